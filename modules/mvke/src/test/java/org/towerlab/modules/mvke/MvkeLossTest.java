package org.towerlab.modules.mvke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;

/**
 * The multi-task BCE. It does not extend the kit's {@code LossContract}: the contract's batches
 * ({@code LossBatch}) carry scores and labels but no tower outputs, and this loss scores each task
 * from the outputs. The contract's checks that apply (a finite scalar, finite gradients reaching the
 * inputs, exactly zero gradient for a row of weight 0, invariance to the row order) are made here on
 * MVKE-shaped outputs.
 */
class MvkeLossTest {
  private static final int B = 4;

  /** Query experts {@code [B, 3, 8]}, item tags and gates of tasks a ({0, 1}) and b ({1, 2}) for 4 rows. */
  private record Outputs(TowerOutput query, TowerOutput item, NDArray u, NDArray g) {
    static Outputs of(NDManager m, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      TowerOutput q = MvkeInteractionTest.experts(B, m, rng);
      TowerOutput it = MvkeInteractionTest.tags(B, m, rng);
      return new Outputs(q, it, q.heads(), it.heads());
    }

    /** The same outputs whose differentiable arrays (experts, tags) are the given leaves. */
    Outputs with(NDArray u, NDArray g) {
      Map<String, NDArray> extras = new LinkedHashMap<>(item.extras());
      extras.put(MvkeTagTower.TAG + "a", g.get(":, 0"));
      extras.put(MvkeTagTower.TAG + "b", g.get(":, 1"));
      return new Outputs(new TowerOutput(u.mean(new int[] {1}), u, null, null, Map.of()),
          new TowerOutput(g.get(":, 0"), g, null, null, extras), u, g);
    }
  }

  private static Map<String, NDArray> labels(NDManager m) {
    Map<String, NDArray> l = new LinkedHashMap<>();
    l.put("positive", Tensors.create(m, new float[] {1, 0, 1, 0}));
    l.put("click", Tensors.create(m, new float[] {1, 0, 1, 0}));
    l.put("like", Tensors.create(m, new float[] {1, 0, 0, 0}));
    l.put("rating", Tensors.create(m, new float[] {5, 2, 4, 1}));
    return l;
  }

  private static LossInput input(Outputs o, Map<String, NDArray> labels, NDArray weights) {
    return LossInput.builder(null).labels(labels).weights(weights).outputs(o.query(), o.item()).build();
  }

  private static double bce(double s, double y) {
    return Math.log1p(Math.exp(-Math.abs(s))) + Math.max(s, 0) - s * y;
  }

  /** Each task's score by hand: {@code sum_d (sum_k beta_k u_k)_d g_d}. */
  private static double[] scores(Outputs o, String task, int t) {
    float[] u = o.u().toFloatArray(); // [B, 3, 8]
    float[] g = o.g().toFloatArray(); // [B, 2, 8]
    float[] beta = o.item().extras().get(MvkeTagTower.GATE + task).toFloatArray(); // [B, 3]
    double[] s = new double[B];
    for (int b = 0; b < B; b++) {
      for (int d = 0; d < 8; d++) {
        double ut = 0;
        for (int k = 0; k < 3; k++) {
          ut += beta[b * 3 + k] * u[(b * 3 + k) * 8 + d];
        }
        s[b] += ut * g[(b * 2 + t) * 8 + d];
      }
    }
    return s;
  }

  /** Without tasks: every task of the item output, each on the label of its own name, weight 1. */
  @Test
  void compute_defaultTasks_sumOfEachTasksMeanBceOnTheLabelOfItsName() {
    try (NDManager m = NDManager.newBaseManager()) {
      Outputs o = Outputs.of(m, 1);
      Map<String, NDArray> labels = labels(m);
      labels.put("a", Tensors.create(m, new float[] {0, 1, 1, 0}));
      labels.put("b", Tensors.create(m, new float[] {1, 1, 0, 0}));
      Forward fwd = Forwards.training(m, 1);
      float value = new MvkeLoss(new MvkeLossConfig(null, null)).compute(input(o, labels, null), fwd).getFloat();
      double[] sa = scores(o, "a", 0);
      double[] sb = scores(o, "b", 1);
      float[] ya = labels.get("a").toFloatArray();
      float[] yb = labels.get("b").toFloatArray();
      double la = 0;
      double lb = 0;
      for (int b = 0; b < B; b++) {
        la += bce(sa[b], ya[b]) / B;
        lb += bce(sb[b], yb[b]) / B;
      }
      assertThat(value).isCloseTo((float) (la + lb), within(1e-5f));
      assertThat(fwd.metrics()).containsOnlyKeys("mvke-bce-a", "mvke-bce-b");
    }
  }

  @Test
  void compute_defaultTasksWithoutTheirLabels_namesTheMissingLabel() {
    try (NDManager m = NDManager.newBaseManager()) {
      Outputs o = Outputs.of(m, 1);
      assertThatThrownBy(() -> new MvkeLoss(new MvkeLossConfig(null, null)).compute(input(o, labels(m), null),
          Forwards.training(m, 1))).hasMessageContaining("label 'a'");
    }
  }

  @Test
  void compute_configuredTasks_matchesHandComputedWeightedSum() {
    try (NDManager m = NDManager.newBaseManager()) {
      Outputs o = Outputs.of(m, 2);
      Map<String, NDArray> labels = labels(m);
      MvkeLoss loss = new MvkeLoss(new MvkeLossConfig(List.of(new MvkeLossTaskConfig("a", "click", null, null),
          new MvkeLossTaskConfig("b", "rating", 5.0, 0.5)), null));
      Forward fwd = Forwards.training(m, 1);
      float value = loss.compute(input(o, labels, null), fwd).getFloat();
      double[] sa = scores(o, "a", 0);
      double[] sb = scores(o, "b", 1);
      float[] click = labels.get("click").toFloatArray();
      float[] love = {1, 0, 0, 0}; // rating >= 5
      double la = 0;
      double lb = 0;
      for (int b = 0; b < B; b++) {
        la += bce(sa[b], click[b]) / B;
        lb += bce(sb[b], love[b]) / B;
      }
      assertThat(value).isCloseTo((float) (la + 0.5 * lb), within(1e-5f));
      assertThat(fwd.metrics().get("mvke-bce-a")).isCloseTo(la, within(1e-5));
      assertThat(fwd.metrics().get("mvke-bce-b")).isCloseTo(lb, within(1e-5));
      // sum reduction: B times the mean
      MvkeLoss summed = new MvkeLoss(new MvkeLossConfig(loss.config().tasks(), "sum"));
      assertThat(summed.compute(input(o, labels, null), Forwards.training(m, 1)).getFloat())
          .isCloseTo((float) (B * (la + 0.5 * lb)), within(1e-4f));
    }
  }

  private static final MvkeLossConfig TWO_TASKS = new MvkeLossConfig(List.of(
      new MvkeLossTaskConfig("a", "click", null, null), new MvkeLossTaskConfig("b", "like", null, null)), null);

  private static Gradients.Result run(NDManager m, Outputs base, Map<String, NDArray> labels, NDArray weights) {
    NDArray u = base.u().duplicate();
    NDArray g = base.g().duplicate();
    Map<String, NDArray> wrt = new LinkedHashMap<>();
    wrt.put("u", u);
    wrt.put("g", g);
    MvkeLoss loss = new MvkeLoss(TWO_TASKS);
    try (NDManager bm = m.newSubManager()) {
      return Gradients.of(wrt, () -> {
        Outputs o = base.with(u, g);
        NDArray value = loss.compute(input(o, labels, weights), Forwards.training(bm, 1));
        assertThat(value.getShape().isScalar()).isTrue();
        return value;
      });
    }
  }

  @Test
  void compute_backward_finiteGradientsToExpertsAndTags() {
    try (NDManager m = NDManager.newBaseManager()) {
      Gradients.Result r = run(m, Outputs.of(m, 3), labels(m), null);
      assertThat(r.value()).isFinite();
      assertThatArray(r.of("u")).isFinite().isNotAllZero();
      assertThatArray(r.of("g")).isFinite().isNotAllZero();
    }
  }

  @Test
  void compute_zeroWeightRow_exactlyZeroGradientForThatRowsOutputs() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = Tensors.create(m, new float[] {1f, 0f, 2f, 0.5f});
      Gradients.Result r = run(m, Outputs.of(m, 4), labels(m), w);
      assertThat(r.value()).isFinite();
      float[] gu = r.of("u"); // [4, 3, 8]
      float[] gg = r.of("g"); // [4, 2, 8]
      assertThatArray(java.util.Arrays.copyOfRange(gu, 24, 48)).as("experts of row 1 (weight 0)").isAllZero();
      assertThatArray(java.util.Arrays.copyOfRange(gg, 16, 32)).as("tags of row 1 (weight 0)").isAllZero();
      assertThatArray(java.util.Arrays.copyOfRange(gu, 0, 24)).isNotAllZero();
    }
  }

  @Test
  void compute_permutedRows_sameValueAndPermutedGradients() {
    int[] perm = {2, 0, 3, 1};
    try (NDManager m = NDManager.newBaseManager()) {
      Outputs o = Outputs.of(m, 5);
      Map<String, NDArray> labels = labels(m);
      Gradients.Result a = run(m, o, labels, null);
      NDArray idx = Tensors.create(m, new long[] {2, 0, 3, 1});
      Map<String, NDArray> pl = new LinkedHashMap<>();
      labels.forEach((k, v) -> pl.put(k, v.get("{}", idx)));
      Map<String, NDArray> extras = new LinkedHashMap<>();
      o.item().extras().forEach((k, v) -> extras.put(k, v.get("{}", idx)));
      Outputs p = new Outputs(o.query(), new TowerOutput(o.item().embedding(), o.item().heads(), null, null, extras),
          o.u().get("{}", idx), o.g().get("{}", idx));
      Gradients.Result b = run(m, p, pl, null);
      assertThat(b.value()).isCloseTo(a.value(), within(1e-5f));
      float[] ga = a.of("u");
      float[] expected = new float[ga.length];
      for (int i = 0; i < perm.length; i++) {
        System.arraycopy(ga, perm[i] * 24, expected, i * 24, 24);
      }
      assertThatArray(b.of("u")).isCloseTo(expected, Tolerance.relative(1e-5, 1e-6));
    }
  }

  @Test
  void rows_loggedOnly() {
    MvkeLoss loss = new MvkeLoss(new MvkeLossConfig(null, null));
    assertThat(loss.rows()).containsExactly(TrainingRows.LOGGED);
    assertThat(loss.needsNegatives()).isFalse();
  }

  @Test
  void incompatibility_otherModelUnknownTaskNoLoggedRowsMissingLabel_eachRefusedWithTheReason() {
    MvkeLoss plain = new MvkeLoss(new MvkeLossConfig(null, null));
    KitModel kit = new KitModel(KitTower.allFields(4), KitTower.allFields(4), new KitDotInteraction(1.0));
    assertThat(plain.incompatibility(Compatibility.Parts.of(kit, null, plain))).contains("model: {type: mvke}");

    MvkeModel model = new MvkeModel(Fixtures.config(false, 0.1), "$.model");
    MvkeLoss unknown = new MvkeLoss(new MvkeLossConfig(List.of(new MvkeLossTaskConfig("c", null, null, null)), null));
    assertThat(unknown.incompatibility(Compatibility.Parts.of(model, null, unknown))).contains("'c'").contains("[a, b]");

    assertThat(plain.incompatibility(Compatibility.Parts.of(model, null, plain))).isNull();
    assertThat(plain.incompatibility(Compatibility.Parts.of(model, null, plain).withSplit(TinyData.positivesOnly())))
        .contains("logged rows");
    // tiny data has positive, click and rating, not 'a'
    assertThat(plain.incompatibility(Compatibility.Parts.of(model, null, plain).withSplit(TinyData.split())))
        .contains("label 'a'").contains("rating");
    MvkeLoss mapped = new MvkeLoss(new MvkeLossConfig(List.of(new MvkeLossTaskConfig("a", "click", null, null),
        new MvkeLossTaskConfig("b", "rating", 5.0, null)), null));
    assertThat(mapped.incompatibility(Compatibility.Parts.of(model, null, mapped).withSplit(TinyData.split())))
        .isNull();
  }

  @Test
  void config_badValues_nameTheValue() {
    assertThatThrownBy(() -> new MvkeLossConfig(null, "max")).hasMessageContaining("'max'");
    assertThatThrownBy(() -> new MvkeLossTaskConfig("a", null, null, -1.0)).hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new MvkeLossConfig(List.of(new MvkeLossTaskConfig("a", null, null, null),
        new MvkeLossTaskConfig("a", "click", null, null)), null)).hasMessageContaining("twice");
  }
}
