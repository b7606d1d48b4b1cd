package org.towerlab.modules.inttower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.modules.baseline.MlpTower;
import org.towerlab.modules.baseline.MlpTowerConfig;
import org.towerlab.modules.baseline.TwoTowerModel;

class CirTest {
  private static final int B = 4;
  private static final int D = 3;
  private static final int S = 2;
  private static final int K = 1;
  private static final long[] USERS = {0, 1, 2, 3};
  private static final long[] OWN = {0, 1, 2, 0}; // rows 0 and 3 share item 0: an accidental hit in-batch
  private static final long[] SAMPLED = {2, 7, 5, 1, 6, 8}; // shared {2, 7}; per-query 5, 1 (row 1's own), 6, 8

  private NDManager root;

  @BeforeEach
  void setUp() {
    root = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    root.close();
  }

  private static float[] random(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }

  private static Map<String, NDArray> labels(NDManager m, float... y) {
    return Map.of("positive", Tensors.create(m, y));
  }

  private static double cos(float[] a, int i, float[] b, int j) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < D; k++) {
      dot += a[i * D + k] * b[j * D + k];
      na += a[i * D + k] * a[i * D + k];
      nb += b[j * D + k] * b[j * D + k];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void loss_inBatchSharedAndPerQueryCandidates_matchesHandComputedInfoNce() {
    float[] first = random(B * D, 1);
    float[] last = random(B * D, 2);
    float[] own = random(B * D, 3);
    float[] cand = random((S + B * K) * D, 4);
    NDArray lastLayer = Tensors.create(root, last, new Shape(B, D));
    TowerOutput query = new TowerOutput(lastLayer, lastLayer.reshape(B, 1, D),
        List.of(Tensors.create(root, first, new Shape(B, D)), lastLayer), null, null);
    TowerOutput items = new TowerOutput(Tensors.create(root, own, new Shape(B, D)), null, null, null, null);
    TowerOutput sampledItems = new TowerOutput(Tensors.create(root, cand, new Shape(S + B * K, D)), null, null, null,
        null);
    float[] y = {1, 1, 0, 1}; // row 2 is not an anchor (an unclicked logged row)
    Coupling.Pairs pairs = new Coupling.Pairs(Side.QUERY, query, items, labels(root, y), USERS, OWN,
        new Coupling.Sampled(sampledItems, SAMPLED, true, S, K));
    double tau = 0.5;
    float value = Cir.loss(pairs, tau, "$.model.query-tower", root).getFloat();

    double expected = 0;
    for (int i = 0; i < B; i++) {
      if (y[i] == 0) {
        continue;
      }
      double positive = cos(last, i, own, i) / tau;
      double sumExp = Math.exp(positive);
      for (int j = 0; j < B; j++) {
        if (j != i && OWN[j] != OWN[i]) {
          sumExp += Math.exp(cos(last, i, own, j) / tau);
        }
      }
      for (int s = 0; s < S; s++) {
        if (SAMPLED[s] != OWN[i]) {
          sumExp += Math.exp(cos(last, i, cand, s) / tau);
        }
      }
      for (int k = 0; k < K; k++) {
        int at = S + i * K + k;
        if (SAMPLED[at] != OWN[i]) {
          sumExp += Math.exp(cos(last, i, cand, at) / tau);
        }
      }
      expected += -(positive - Math.log(sumExp)) / 3;
    }
    assertThat(value).isCloseTo((float) expected, within(1e-4f));
  }

  @Test
  void loss_noPositiveRow_isNull() {
    NDArray u = Tensors.create(root, random(B * D, 1), new Shape(B, D));
    TowerOutput query = TowerOutput.of(u);
    TowerOutput items = TowerOutput.of(Tensors.create(root, random(B * D, 2), new Shape(B, D)));
    Coupling.Pairs pairs = new Coupling.Pairs(Side.QUERY, query, items, labels(root, 0, 0, 0, 0), USERS, OWN, null);
    assertThat(Cir.loss(pairs, 0.1, "$", root)).isNull();
  }

  @Test
  void loss_widthsDiffer_throwsUserExceptionNamingBoth() {
    TowerOutput query = TowerOutput.of(Tensors.create(root, random(B * D, 1), new Shape(B, D)));
    TowerOutput items = TowerOutput.of(Tensors.create(root, random(B * 2, 2), new Shape(B, 2)));
    Coupling.Pairs pairs = new Coupling.Pairs(Side.QUERY, query, items, labels(root, 1, 1, 1, 1), USERS, OWN, null);
    assertThatThrownBy(() -> Cir.loss(pairs, 0.1, "$.model.query-tower", root)).isInstanceOf(UserException.class)
        .hasMessageContaining("width 3").hasMessageContaining("width 2")
        .hasMessageContaining("$.model.query-tower.cir-weight");
  }

  /** The user tower's CIR over real towers, with shared and per-query candidates as a training step hands them. */
  private Map<String, NDArray> coupleAndBackward(Params params, Fixtures.Towers t, boolean withScore) {
    Map<String, NDArray> aux = new LinkedHashMap<>();
    try (NDManager m = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(m, true, new SplittableRandom(1), 0, 0);
      long[] all = new long[B + SAMPLED.length];
      System.arraycopy(OWN, 0, all, 0, B);
      System.arraycopy(SAMPLED, 0, all, B, SAMPLED.length);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, USERS, m), fwd);
      TowerOutput io = t.item().encode(Fixtures.batch(Side.ITEM, all, m), fwd);
      TowerOutput po = io.rows(0, B);
      Coupling.Sampled sampled = new Coupling.Sampled(io.rows(B, all.length), SAMPLED, true, S, K);
      t.user().couple(new Coupling.Pairs(Side.QUERY, q, po, labels(m, 1, 1, 1, 1), USERS, OWN, sampled), fwd);
      NDArray total = withScore ? new FeBlockInteraction(new FeBlockInteractionConfig(false, null, null, null))
          .scorePaired(q, po, 1, fwd).sum() : null;
      for (Map.Entry<String, NDArray> e : fwd.auxLosses().entrySet()) {
        aux.put(e.getKey(), e.getValue());
        total = total == null ? e.getValue() : total.add(e.getValue());
      }
      if (total != null) {
        gc.backward(total);
      }
      aux.replaceAll((k, v) -> Tensors.scalar(root, v.getFloat()));
    }
    return aux;
  }

  private static float maxAbsGradient(NDArray p) {
    float max = 0f;
    for (float g : p.getGradient().toFloatArray()) {
      max = Math.max(max, Math.abs(g));
    }
    return max;
  }

  @Test
  void couple_withSampledCandidates_gradientReachesBothTowers() {
    Params params = Fixtures.params(root, 11);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8, 6), 2, 3, "outputs", 1.0),
        Fixtures.item(List.of(8, 6), 2, 3));
    Map<String, NDArray> aux = coupleAndBackward(params, t, false);
    assertThat(aux).containsOnlyKeys(IntTowerUserTower.CIR);
    for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
      float g = maxAbsGradient(e.getValue());
      if (e.getKey().equals("model.query-tower.fe.0.weight") || e.getKey().equals("model.query-tower.fe.0.bias")) {
        // CIR reads the last projection only; the first layer's projection serves the FE score
        assertThat(g).as("gradient of %s", e.getKey()).isZero();
      } else {
        assertThat(g).as("gradient of %s", e.getKey()).isGreaterThan(0f);
      }
    }
  }

  @Test
  void couple_weightZero_addsNoTermAndLeavesTheMainGradientsUnchanged() {
    Params withCir = Fixtures.params(root, 12);
    Fixtures.Towers a = Fixtures.towers(withCir, Fixtures.user(List.of(8, 6), 2, 3, "outputs", 0.0),
        Fixtures.item(List.of(8, 6), 2, 3));
    assertThat(coupleAndBackward(withCir, a, true)).isEmpty();
    // the same weights (same seed) trained on the FE score alone, without calling couple
    Params plain = Fixtures.params(root, 12);
    Fixtures.Towers b = Fixtures.towers(plain, Fixtures.user(List.of(8, 6), 2, 3, "outputs", 0.0),
        Fixtures.item(List.of(8, 6), 2, 3));
    try (NDManager m = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(m, true, new SplittableRandom(1), 0, 0);
      TowerOutput q = b.user().encode(Fixtures.batch(Side.QUERY, USERS, m), fwd);
      TowerOutput po = b.item().encode(Fixtures.batch(Side.ITEM, OWN, m), fwd);
      gc.backward(new FeBlockInteraction(new FeBlockInteractionConfig(false, null, null, null))
          .scorePaired(q, po, 1, fwd).sum());
    }
    for (String name : withCir.all().keySet()) {
      assertThat(withCir.all().get(name).getGradient().toFloatArray()).as(name)
          .containsExactly(plain.all().get(name).getGradient().toFloatArray(), within(1e-6f));
    }
  }

  @Test
  void couple_doubleWeight_doublesTheTermAndItsGradient() {
    float[] values = new float[2];
    float[] grads = new float[2];
    double[] weights = {1.0, 2.0};
    for (int w = 0; w < 2; w++) {
      Params params = Fixtures.params(root, 13);
      Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8, 6), 2, 3, "outputs", weights[w]),
          Fixtures.item(List.of(8, 6), 2, 3));
      values[w] = coupleAndBackward(params, t, false).get(IntTowerUserTower.CIR).getFloat();
      grads[w] = params.all().get("model.item-tower.fe.weight").getGradient().sum().getFloat();
    }
    assertThat(values[1]).isCloseTo(2 * values[0], within(1e-5f));
    assertThat(grads[1]).isCloseTo(2 * grads[0], within(1e-5f));
    assertThat(values[0]).isGreaterThan(0f);
  }

  @Test
  void incompatibility_itemWidthDiffers_refusedUnlessCirIsOff() {
    Params params = Fixtures.params(root, 14);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(6), 2, 3, "outputs", 1.0),
        Fixtures.item(List.of(6), 2, 3));
    MlpTower mlp = new MlpTower(new MlpTowerConfig(null, 4, null, 5, null, null), "$.model.item-tower");
    FeBlockInteraction fe = new FeBlockInteraction(new FeBlockInteractionConfig(null, null, null, null));
    assertThat(t.user().incompatibility(Compatibility.Parts.of(new TwoTowerModel(t.user(), mlp, fe), null, null)))
        .contains("width is 5").contains("cir-weight: 0");
    assertThat(t.user().incompatibility(Compatibility.Parts.of(new TwoTowerModel(t.user(), t.item(), fe), null,
        null))).isNull();
    Fixtures.Towers off = Fixtures.towers(Fixtures.params(root, 14), Fixtures.user(List.of(6), 2, 3, "outputs", 0.0),
        Fixtures.item(List.of(6), 2, 3));
    assertThat(off.user().incompatibility(Compatibility.Parts.of(new TwoTowerModel(off.user(), mlp, fe), null,
        null))).isNull();
  }
}
