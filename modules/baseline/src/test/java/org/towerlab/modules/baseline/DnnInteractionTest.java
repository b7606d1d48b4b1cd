package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

class DnnInteractionTest {
  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  private DnnInteraction dnn(int chunk) {
    DnnInteraction d = new DnnInteraction(new DnnInteractionConfig(List.of(8, 4), 0.0, chunk));
    Params p = new Params(manager, new SplittableRandom(3));
    d.initialize(new InitContext(p.scope("interaction"), null, null, 5, 5));
    return d;
  }

  private TowerOutput random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * 5];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return TowerOutput.of(Tensors.create(manager, v, new Shape(n, 5)));
  }

  @Test
  void scoreAll_equalsScorePairedOnEveryPair_andDoesNotDependOnTheChunk() {
    TowerOutput q = random(3, 1);
    TowerOutput items = random(7, 2);
    Forward fwd = Forward.inference(manager);
    float[] all = dnn(1_000).scoreAll(q, items, fwd).toFloatArray(); // [3, 7]
    float[] chunked = dnn(7).scoreAll(q, items, fwd).toFloatArray(); // one query row per chunk
    for (int b = 0; b < 3; b++) {
      NDArray rep = items.embedding(); // [7, 5]
      float[] paired = dnn(1_000).scorePaired(q.rows(b, b + 1), TowerOutput.of(rep), 7, fwd).toFloatArray();
      for (int j = 0; j < 7; j++) {
        float expected = all[b * 7 + j];
        assertThat(paired[j]).isCloseTo(expected, within(1e-5f * Math.max(1f, Math.abs(expected))));
        assertThat(chunked[b * 7 + j]).isCloseTo(expected, within(1e-5f * Math.max(1f, Math.abs(expected))));
      }
    }
  }

  @Test
  void cost_notPrecomputable_flopsCountTheMlp() {
    DnnInteraction d = dnn(10);
    assertThat(d.itemSidePrecomputable()).isFalse();
    // q*i: 5; layer 15->8: 2*15*8 + 8; 8->4: 2*8*4 + 4; 4->1: 2*4
    assertThat(d.flopsPerPair(5)).isEqualTo(5 + 248 + 68 + 8);
  }

  @Test
  void initialize_towersOfDifferentWidths_userError() {
    DnnInteraction d = new DnnInteraction(new DnnInteractionConfig(null, null, null));
    Params p = new Params(manager, new SplittableRandom(3));
    assertThatThrownBy(() -> d.initialize(new InitContext(p, null, null, 16, 8)))
        .isInstanceOf(UserException.class).hasMessageContaining("output-dim");
  }
}
