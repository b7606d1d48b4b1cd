package org.towerlab.modules.tarq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

class TargetAttentionTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private TargetAttentionModel model(Integer chunk, long seed) {
    TargetAttentionModel m = new TargetAttentionModel(
        new TargetAttentionModelConfig(null, null, null, 8, 4, List.of(8), 2, true, true, null, chunk), "$.model");
    m.initialize(new InitContext(new Params(manager, new SplittableRandom(seed)).scope("model"), Fixtures.split(), null));
    return m;
  }

  @Test
  void scoreAll_agreesWithPairedScoresAndWithSmallChunks() {
    TargetAttentionModel big = model(null, 1);
    TargetAttentionModel small = model(50, 1); // same weights, a few rows per block
    Forward fwd = Forward.inference(manager);
    long[] users = Fixtures.range(5);
    TowerOutput u = big.queryTower().encode(Fixtures.batch(Side.QUERY, users, manager), fwd);
    TowerOutput it = big.itemTower().encode(Fixtures.batch(Side.ITEM, Fixtures.range(Fixtures.ITEMS), manager), fwd);
    float[] all = big.interaction().scoreAll(u, it, fwd).toFloatArray();
    float[] chunked = small.interaction().scoreAll(u, it, fwd).toFloatArray();
    assertThat(chunked).containsExactly(all, within(1e-5f));
    long[] pairs = {3, 8, 0, 1, 9, 2, 5, 5, 4, 6};
    TowerOutput pi = big.itemTower().encode(Fixtures.batch(Side.ITEM, pairs, manager), fwd);
    float[] paired = big.interaction().scorePaired(u, pi, 2, fwd).toFloatArray();
    for (int b = 0; b < 5; b++) {
      for (int j = 0; j < 2; j++) {
        assertThat(paired[b * 2 + j]).isCloseTo(all[b * Fixtures.ITEMS + (int) pairs[b * 2 + j]], within(1e-5f));
      }
    }
    assertThat(big.interaction().itemSidePrecomputable()).isFalse();
  }

  @Test
  void attention_paddedPositions_takeNoPartAndAnEmptySequenceGivesTheBias() {
    MultiHeadAttention mha = new MultiHeadAttention(new Params(manager, new SplittableRandom(2)), 4, 4, 4, 4, 2);
    float[] seq = Init.normal(1.0).values(new Shape(2, 3, 4), new SplittableRandom(3));
    float[] other = seq.clone();
    for (int j = 8; j < 12; j++) {
      other[j] = 5f; // row 0, position 2: padding
    }
    NDArray mask = Tensors.create(manager, new float[] {1, 1, 0, 0, 0, 0}, new Shape(2, 3)); // row 1 is empty
    NDArray queries = Tensors.create(manager, Init.normal(1.0).values(new Shape(5, 4), new SplittableRandom(4)),
        new Shape(5, 4));
    Forward fwd = Forward.inference(manager);
    float[] a = mha.attendShared(queries, mha.keys(Tensors.create(manager, seq, new Shape(2, 3, 4)), mask), fwd)
        .toFloatArray();
    float[] b = mha.attendShared(queries, mha.keys(Tensors.create(manager, other, new Shape(2, 3, 4)), mask), fwd)
        .toFloatArray();
    assertThat(b).containsExactly(a, within(1e-6f));
    for (int i = 20; i < 40; i++) { // row 1: the output bias, zero at initialization
      assertThat(a[i]).isZero();
    }
  }

  @Test
  void flopsPerPair_countsAttentionOutputProjectionAndReadout() {
    TargetAttentionModel m = model(null, 5);
    long t = Fixtures.T;
    long d = 8;
    assertThat(m.interaction().flopsPerPair(d)).isEqualTo(4 * t * d + 3 * t * 2 + 2 * d * d + 2 * d + d);
  }
}
