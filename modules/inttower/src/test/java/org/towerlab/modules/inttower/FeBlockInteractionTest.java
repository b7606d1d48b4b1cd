package org.towerlab.modules.inttower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.modules.baseline.DotInteraction;
import org.towerlab.modules.baseline.TwoTowerModel;

class FeBlockInteractionTest {
  private static final int B = 3;
  private static final int M = 4;
  private static final int L = 2;
  private static final int H = 3;
  private static final int H2 = 2;
  private static final int D = 4;

  private NDManager root;
  private float[][] layers; // L x [B * H * D]
  private float[] items; // [M * H2 * D]

  @BeforeEach
  void setUp() {
    root = NDManager.newBaseManager();
    SplittableRandom rng = new SplittableRandom(17);
    layers = new float[L][B * H * D];
    for (float[] layer : layers) {
      fill(layer, rng);
    }
    items = new float[M * H2 * D];
    fill(items, rng);
  }

  @AfterEach
  void tearDown() {
    root.close();
  }

  private static void fill(float[] v, SplittableRandom rng) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
  }

  private TowerOutput queries(NDManager m) {
    List<NDArray> ls = new ArrayList<>();
    for (float[] layer : layers) {
      ls.add(Tensors.create(m, layer, new Shape(B, H * D)));
    }
    NDArray last = ls.get(L - 1);
    return new TowerOutput(ls.get(0).add(ls.get(1)), last.reshape(B, H, D), ls, null, null);
  }

  private static TowerOutput items(NDManager m, float[] values, int n) {
    NDArray heads = Tensors.create(m, values, new Shape(n, H2, D));
    return new TowerOutput(heads.reshape(n, H2 * D), heads, null, null, null);
  }

  private static FeBlockInteraction fe(Boolean bias, Double temperature, Long chunk) {
    return new FeBlockInteraction(new FeBlockInteractionConfig(bias, temperature, null, chunk));
  }

  /** sum over layers l and user heads a of max over item heads b of <M_u^l(q)[a], M_v(i)[b]>, by loops. */
  private double naive(int q, float[] itemValues, int item) {
    double s = 0;
    for (float[] layer : layers) {
      for (int a = 0; a < H; a++) {
        double best = Double.NEGATIVE_INFINITY;
        for (int b = 0; b < H2; b++) {
          double dot = 0;
          for (int k = 0; k < D; k++) {
            dot += layer[(q * H + a) * D + k] * itemValues[(item * H2 + b) * D + k];
          }
          best = Math.max(best, dot);
        }
        s += best;
      }
    }
    return s;
  }

  @Test
  void scoreAll_layersAndHeads_equalsNaiveTripleLoop() {
    float[] s = fe(false, null, null).scoreAll(queries(root), items(root, items, M), Forward.inference(root))
        .toFloatArray();
    for (int q = 0; q < B; q++) {
      for (int i = 0; i < M; i++) {
        assertThat(s[q * M + i]).as("score(%d, %d)", q, i).isCloseTo((float) naive(q, items, i), within(1e-4f));
      }
    }
  }

  @Test
  void scorePaired_layersAndHeads_equalsNaiveTripleLoop() {
    int k = 2;
    // query q is paired with items rows [q*k, (q+1)*k): take items 0..3 for queries 0, 1 and items 1, 2 for query 2
    int[] pick = {0, 1, 2, 3, 1, 2};
    float[] paired = new float[B * k * H2 * D];
    for (int r = 0; r < pick.length; r++) {
      System.arraycopy(items, pick[r] * H2 * D, paired, r * H2 * D, H2 * D);
    }
    float[] s = fe(false, null, null).scorePaired(queries(root), items(root, paired, B * k), k,
        Forward.inference(root)).toFloatArray();
    for (int q = 0; q < B; q++) {
      for (int j = 0; j < k; j++) {
        assertThat(s[q * k + j]).isCloseTo((float) naive(q, items, pick[q * k + j]), within(1e-4f));
      }
    }
  }

  @Test
  void scoreAll_biasAndTemperature_divideThenShift() {
    FeBlockInteraction fe = fe(true, 2.0, null);
    Params params = new Params(root, new SplittableRandom(1));
    fe.initialize(new InitContext(params.scope("interaction"), null, null));
    params.all().get("interaction.bias").set(new float[] {0.25f});
    float[] s = fe.scoreAll(queries(root), items(root, items, M), Forward.inference(root)).toFloatArray();
    for (int q = 0; q < B; q++) {
      for (int i = 0; i < M; i++) {
        assertThat(s[q * M + i]).isCloseTo((float) (naive(q, items, i) / 2 + 0.25), within(1e-4f));
      }
    }
  }

  @Test
  void scoreAll_tinyChunks_equalsOneChunk() {
    float[] whole = fe(false, null, null).scoreAll(queries(root), items(root, items, M), Forward.inference(root))
        .toFloatArray();
    // chunk 7 < L*H*H2 = 12: one query row against one item at a time
    for (long chunk : new long[] {7, 24, 100}) {
      float[] chunked = fe(false, null, chunk).scoreAll(queries(root), items(root, items, M),
          Forward.inference(root)).toFloatArray();
      assertThat(chunked).as("chunk %d", chunk).containsExactly(whole, within(1e-5f));
    }
  }

  @Test
  void scoreAll_permutedItemHeads_sameScores() {
    float[] permuted = new float[items.length];
    for (int i = 0; i < M; i++) {
      for (int b = 0; b < H2; b++) {
        System.arraycopy(items, (i * H2 + b) * D, permuted, (i * H2 + (H2 - 1 - b)) * D, D);
      }
    }
    FeBlockInteraction fe = fe(false, null, null);
    float[] a = fe.scoreAll(queries(root), items(root, items, M), Forward.inference(root)).toFloatArray();
    float[] b = fe.scoreAll(queries(root), items(root, permuted, M), Forward.inference(root)).toFloatArray();
    assertThat(b).containsExactly(a, within(1e-5f));
  }

  @Test
  void scoreAll_oneHeadOneLayerTowers_equalsBaselineDotInteraction() {
    Params params = Fixtures.params(root, 5);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8), 1, 6, "outputs", 0),
        Fixtures.item(List.of(8), 1, 6));
    try (NDManager m = root.newSubManager()) {
      Forward fwd = Forward.inference(m);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, new long[] {0, 1, 2, 3, 4}, m), fwd);
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, new long[] {0, 1, 2, 3, 4, 5, 6}, m), fwd);
      assertThat(q.layers()).hasSize(1);
      float[] fe = fe(false, null, null).scoreAll(q, v, fwd).toFloatArray();
      float[] dot = new DotInteraction().scoreAll(q, v, fwd).toFloatArray();
      assertThat(fe).containsExactly(dot, within(1e-5f));
      // the same through the baseline two-tower model the runner builds
      TwoTowerModel model = new TwoTowerModel(t.user(), t.item(), new DotInteraction());
      assertThat(model.interaction().scorePaired(q, v.rows(0, 5), 1, fwd).toFloatArray())
          .containsExactly(fe(false, null, null).scorePaired(q, v.rows(0, 5), 1, fwd).toFloatArray(), within(1e-5f));
    }
  }

  @Test
  void scoreAll_oneHeadSeveralLayers_equalsDotOfTheSummedEmbedding() {
    Params params = Fixtures.params(root, 6);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8, 8, 8), 1, 6, "outputs", 0),
        Fixtures.item(List.of(8, 8), 1, 6));
    try (NDManager m = root.newSubManager()) {
      Forward fwd = Forward.inference(m);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, new long[] {0, 1, 2}, m), fwd);
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, new long[] {0, 1, 2, 3}, m), fwd);
      assertThat(q.layers()).hasSize(3);
      assertThat(fe(false, null, null).scoreAll(q, v, fwd).toFloatArray())
          .containsExactly(new DotInteraction().scoreAll(q, v, fwd).toFloatArray(), within(1e-5f));
    }
  }

  @Test
  void flopsPerPair_layersAndHeads_handCounted() {
    // L*H = 6 query heads, H' = 2, d = 4: 6*2 dot products of 8 flops, 6*1 comparisons, 5 additions
    assertThat(fe(false, null, null).flopsPerPair(queries(root), items(root, items, M))).isEqualTo(96 + 6 + 5);
    // plus the bias and the temperature
    assertThat(fe(true, 0.5, null).flopsPerPair(queries(root), items(root, items, M))).isEqualTo(96 + 6 + 5 + 2);
    // one head, one layer: a dot product
    assertThat(fe(false, null, null).flopsPerPair(8)).isEqualTo(16);
  }

  @Test
  void flopsPerPair_realTowers_countsEveryUserLayer() {
    Params params = Fixtures.params(root, 8);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8, 8), 3, 4, "outputs", 0),
        Fixtures.item(List.of(8), 2, 4));
    try (NDManager m = root.newSubManager()) {
      Forward fwd = Forward.inference(m);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, new long[] {0}, m), fwd);
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, new long[] {0, 1}, m), fwd);
      // L = 2 layers x H = 3 heads against H' = 2 heads of d = 4, plus the bias
      assertThat(fe(true, null, null).flopsPerPair(q, v)).isEqualTo(6 * 2 * 8 + 6 + 5 + 1);
    }
  }

  @Test
  void incompatibility_headDimsDiffer_refusedWithBothValues() {
    Params params = Fixtures.params(root, 9);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8), 2, 4, "outputs", 0),
        Fixtures.item(List.of(8), 2, 8));
    FeBlockInteraction fe = fe(null, null, null);
    TwoTowerModel model = new TwoTowerModel(t.user(), t.item(), fe);
    assertThat(fe.incompatibility(Compatibility.Parts.of(model, null, null)))
        .contains("query 4, item 8").contains("head-dim");
    Fixtures.Towers same = Fixtures.towers(Fixtures.params(root, 9), Fixtures.user(List.of(8), 2, 4, "outputs", 0),
        Fixtures.item(List.of(8), 3, 4));
    assertThat(fe.incompatibility(Compatibility.Parts.of(new TwoTowerModel(same.user(), same.item(), fe), null, null)))
        .isNull();
  }
}
