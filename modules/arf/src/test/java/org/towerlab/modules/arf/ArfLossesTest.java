package org.towerlab.modules.arf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;

/** L_Relax and L_Global: hand values, limits, masks and the ARF-v2 stop-gradient. */
class ArfLossesTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray arr(float[] v, int b, int len) {
    return Tensors.create(manager, v, new Shape(b, len));
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  private LossInput lists(NDArray scores, float[] labels, float[] mask) {
    int b = (int) scores.getShape().get(0);
    int len = (int) scores.getShape().get(1);
    return new LossInput.Builder().list(scores, arr(labels, b, len), mask == null ? null : arr(mask, b, len)).build();
  }

  private static ArfRelaxLossConfig relax(int k, int m, double tau, String reduction, boolean normalize,
      boolean complement) {
    return new ArfRelaxLossConfig(k, m, tau, reduction, normalize, complement, null, null);
  }

  private float value(ArfRelaxLossConfig c, float[] scores, float[] labels, int b, int len) {
    return new ArfRelaxLoss(c).compute(lists(arr(scores, b, len), labels, null), Forward.inference(manager)).getFloat();
  }

  // positives at slots 0, 2, 4; scores put them at ranks 1, 2, 3 (good) or 1, 4, 5 (bad)
  private static final float[] LABELS = {1, 0, 1, 0, 1, 0};
  private static final float[] GOOD = {9, 6, 8, 5, 7, 4};
  private static final float[] BAD = {9, 8, 6, 7, 5, 4};

  @Test
  void relax_sumFormHardPermutationWithAllPositivesInTopM_isZero() {
    float v = value(relax(3, 3, 1e-3, "sum", false, false), GOOD, LABELS, 1, 6);

    // -3 log(1 + 1e-6)
    assertThat(v).isCloseTo(0f, within(1e-5f));
  }

  @Test
  void relax_sumFormOnePositiveOutsideTopM_costsMinusLogEpsilonEach() {
    // ranks 4 and 5 with m = 3: two targets have no top-m mass, -log(1e-6) = 13.8155 each
    float v = value(relax(3, 3, 1e-3, "sum", false, false), BAD, LABELS, 1, 6);

    assertThat(v).isCloseTo((float) (-2 * Math.log(1e-6)), within(1e-3f));
  }

  @Test
  void relax_meanFormPerfectOrder_isTheConstantKLogMOverL() {
    // -(1/L) sum_j y_j log(1/m + eps) = (3/6) log 3 when the three targets fill the top 3
    float v = value(relax(3, 3, 1e-3, "mean", false, false), GOOD, LABELS, 1, 6);

    assertThat(v).isCloseTo((float) (-0.5 * Math.log(1.0 / 3 + 1e-6)), within(1e-5f));
  }

  @Test
  void relax_sumAndMeanForms_gradientsDifferOnlyByOneOverL() {
    float[] s = {0.3f, -0.2f, 0.9f, 0.1f, -0.7f, 0.5f};
    float[] gSum = grad(relax(2, 3, 0.5, "sum", false, false), s, LABELS, null, 1, 6);
    float[] gMean = grad(relax(2, 3, 0.5, "mean", false, false), s, LABELS, null, 1, 6);

    for (int j = 0; j < 6; j++) {
      assertThat(gMean[j]).isCloseTo(gSum[j] / 6f, within(1e-5f));
    }
  }

  private float[] grad(ArfRelaxLossConfig c, float[] s, float[] labels, float[] mask, int b, int len) {
    NDArray x = arr(s, b, len);
    x.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(new ArfRelaxLoss(c).compute(lists(x, labels, mask), Forward.inference(manager)));
    }
    return x.getGradient().toFloatArray();
  }

  @Test
  void relax_arfV2PerfectOrder_isZeroAndPenalizesAnOutsider() {
    ArfRelaxLossConfig v2 = relax(3, 3, 1e-3, "sum", true, true);

    assertThat(value(v2, GOOD, LABELS, 1, 6)).isCloseTo(0f, within(1e-4f));
    assertThat(value(v2, BAD, LABELS, 1, 6)).isGreaterThan(10f);
  }

  @Test
  void relax_columnNormalization_stopsTheGradientOfTheColumnMass() {
    // the loss's gradient equals the one of the same formula with the column mass as a constant,
    // and differs from the formula differentiated through the column mass
    float[] s = {0.3f, -0.2f, 0.9f, 0.1f, -0.7f, 0.5f};
    float tau = 0.5f;
    float[] g = grad(relax(2, 3, tau, "mean", true, false), s, LABELS, null, 1, 6);

    float[] constant = manual(s, tau, true);
    float[] through = manual(s, tau, false);
    assertThat(g).containsExactly(constant, within(1e-6f));
    double diff = 0;
    for (int j = 0; j < 6; j++) {
      diff += Math.abs(through[j] - constant[j]);
    }
    assertThat(diff).as("the stop-gradient changes the gradient").isGreaterThan(1e-3);
  }

  /** {@code -(1/L) sum_j y_j log(top_j / (c_j + eps) + eps)}, with c as a constant or as a function of s. */
  private float[] manual(float[] s, float tau, boolean constantColumns) {
    NDArray x = arr(s, 1, 6);
    x.setRequiresGradient(true);
    float[] y = ListTargets.of(LABELS, ones(6), 1, 6, 2, true).topKValues();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray p = NeuralSort.permutation(x, null, tau, manager); // [1, 6, 6]
      NDArray top = p.get(":, :3, :").sum(new int[] {1}); // [1, 6]
      NDArray cols = p.sum(new int[] {1}); // [1, 6]
      if (constantColumns) {
        cols = arr(cols.toFloatArray(), 1, 6);
      }
      NDArray l = top.div(cols.add(1e-6f)).add(1e-6f).log().mul(arr(y, 1, 6)).sum().neg()
          .mul(Tensors.scalar(manager, 1f / 6));
      gc.backward(l);
    }
    return x.getGradient().toFloatArray();
  }

  @Test
  void relax_paddedSlots_getExactlyZeroGradient() {
    float[] s = {0.3f, -0.2f, 0.9f, 0.1f, -0.7f, 0.5f, 0.2f, 0.4f, 0.1f, -0.3f, 0.8f, 0.6f};
    float[] labels = {1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1};
    float[] mask = {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0};
    for (ArfRelaxLossConfig c : List.of(relax(2, 3, 0.5, "mean", false, false), relax(2, 3, 0.5, "sum", true, true))) {
      float[] g = grad(c, s, labels, mask, 2, 6);
      for (int i = 0; i < g.length; i++) {
        if (mask[i] == 0) {
          assertThat(g[i]).as("padded slot %d", i).isZero();
        }
        assertThat(g[i]).isFinite();
      }
      assertThat(g[0]).isNotZero();
    }
  }

  @Test
  void relax_listsNotLongerThanM_countZero() {
    // list 2 has 3 filled slots and m = 3: every slot is in the top-m, nothing to learn
    float[] s = {0.3f, -0.2f, 0.9f, 0.1f, 0.2f, 0.4f, 0.1f, -0.3f};
    float[] labels = {0, 1, 0, 0, 0, 1, 0, 0};
    float[] mask = {1, 1, 1, 1, 1, 1, 1, 0};
    float[] g = grad(relax(1, 3, 0.5, "sum", false, false), s, labels, mask, 2, 4);

    for (int j = 4; j < 8; j++) {
      assertThat(g[j]).isZero();
    }
    assertThat(g[1]).as("the target is pushed up").isNegative();
  }

  @Test
  void relax_listsNoLongerThanMEverywhere_refusedWithTheFix() {
    ArfRelaxLoss loss = new ArfRelaxLoss(relax(1, 4, 1, "mean", false, false));

    assertThatThrownBy(() -> loss.compute(lists(arr(new float[] {1, 2, 3, 4}, 1, 4), new float[] {1, 0, 0, 0}, null),
        Forward.inference(manager))).isInstanceOf(UserException.class).hasMessageContaining("m = 4")
        .hasMessageContaining("trainer.lists.size");
  }

  @Test
  void relax_logsHardRecallOfTheTrainingLists() {
    Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
    new ArfRelaxLoss(relax(3, 3, 1, "mean", false, false)).compute(lists(arr(BAD, 1, 6), LABELS, null), fwd);

    assertThat(fwd.metrics()).containsKeys("arf-relax", "arf-recall", "arf-relax-lists");
    assertThat(fwd.metrics().get("arf-recall")).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(fwd.metrics().get("arf-relax-lists")).isEqualTo(1.0);
  }

  @Test
  void global_handExample_matchesHandComputedCrossEntropy() {
    // s = (3, 1, 2) at tau 1 (NeuralSortTest's rows); labels (1, 0, 2) rank slots 2, 0, 1
    float v = new ArfGlobalLoss(new ArfGlobalLossConfig(1.0, null)).compute(
        lists(arr(new float[] {3, 1, 2}, 1, 3), new float[] {1, 0, 2}, null), Forward.inference(manager)).getFloat();

    double row1 = 2 - lse(3, -1, 2);
    double row2 = -3 - lse(-3, -3, -2);
    double row3 = -5 - lse(-9, -5, -6);
    assertThat((double) v).isCloseTo(-(row1 + row2 + row3) / 9, within(1e-5));
  }

  private static double lse(double... x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double z = 0;
    for (double v : x) {
      z += Math.exp(v - max);
    }
    return max + Math.log(z);
  }

  @Test
  void global_scoresInLabelOrderAtSmallTemperature_isNearZeroAndWrongOrderIsNot() {
    float[] labels = {3, 1, 2, 0};
    ArfGlobalLoss loss = new ArfGlobalLoss(new ArfGlobalLossConfig(0.01, null));
    float right = loss.compute(lists(arr(new float[] {4, 2, 3, 1}, 1, 4), labels, null), Forward.inference(manager))
        .getFloat();
    float wrong = loss.compute(lists(arr(new float[] {1, 3, 2, 4}, 1, 4), labels, null), Forward.inference(manager))
        .getFloat();

    assertThat(right).isCloseTo(0f, within(1e-4f));
    assertThat(wrong).isGreaterThan(1f);
  }

  @Test
  void global_paddedSlots_getExactlyZeroGradientAndShortListsUseTheirOwnSize() {
    float[] s = {0.3f, -0.2f, 0.9f, 7f, 0.1f, 0.4f, -3f, 2f};
    float[] labels = {1, 0, 2, 5, 0, 1, 5, 5};
    float[] mask = {1, 1, 1, 0, 1, 1, 0, 0};
    NDArray x = arr(s, 2, 4);
    x.setRequiresGradient(true);
    float padded;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = new ArfGlobalLoss(new ArfGlobalLossConfig(1.0, null)).compute(lists(x, labels, mask),
          Forward.inference(manager));
      padded = l.getFloat();
      gc.backward(l);
    }
    float[] g = x.getGradient().toFloatArray();
    assertThat(g[3]).isZero();
    assertThat(g[6]).isZero();
    assertThat(g[7]).isZero();
    assertThat(g[0]).isNotZero();

    // the same lists without padding give the same loss
    float a = new ArfGlobalLoss(new ArfGlobalLossConfig(1.0, null)).compute(lists(arr(new float[] {0.3f, -0.2f, 0.9f}, 1, 3),
        new float[] {1, 0, 2}, null), Forward.inference(manager)).getFloat();
    float b = new ArfGlobalLoss(new ArfGlobalLossConfig(1.0, null)).compute(lists(arr(new float[] {0.1f, 0.4f}, 1, 2),
        new float[] {0, 1}, null), Forward.inference(manager)).getFloat();
    assertThat(padded).isCloseTo((a + b) / 2, within(1e-5f));
  }

  private float[] globalGrad(String ties, float[] s, float[] labels, float[] value) {
    NDArray x = arr(s, 1, s.length);
    x.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = new ArfGlobalLoss(new ArfGlobalLossConfig(0.5, ties)).compute(lists(x, labels, null),
          Forward.inference(manager));
      value[0] = l.getFloat();
      gc.backward(l);
    }
    return x.getGradient().toFloatArray();
  }

  @Test
  void global_withoutTies_groupAndBreakAreEqualInValueAndGradient() {
    float[] s = {0.3f, -0.2f, 0.9f, 0.1f, -0.7f};
    float[] labels = {2, 0, 3, 1, 4};
    float[] v1 = new float[1];
    float[] v2 = new float[1];
    float[] g1 = globalGrad("group", s, labels, v1);
    float[] g2 = globalGrad("break", s, labels, v2);

    assertThat(v1[0]).isCloseTo(v2[0], within(1e-5f));
    assertThat(g1).containsExactly(g2, within(1e-5f));
  }

  @Test
  void global_groupTies_anyOrderInsideATieCostsTheSame() {
    // slots 1, 2, 3 tie at label 0; permuting their scores changes nothing under group, but does
    // under break (which targets slot order 1 > 2 > 3)
    float[] labels = {1, 0, 0, 0};
    float[] a = {4, 1, 2, 3};
    float[] b = {4, 3, 2, 1};
    float[] va = new float[1];
    float[] vb = new float[1];
    globalGrad("group", a, labels, va);
    globalGrad("group", b, labels, vb);
    assertThat(va[0]).isCloseTo(vb[0], within(1e-5f));

    globalGrad("break", a, labels, va);
    globalGrad("break", b, labels, vb);
    assertThat(va[0]).isGreaterThan(vb[0] + 0.1f);
  }

  @Test
  void global_groupTiesAtSmallTemperature_isNearZeroWhenGroupsAreInOrder() {
    float v = new ArfGlobalLoss(new ArfGlobalLossConfig(0.01, "group")).compute(
        lists(arr(new float[] {1, 5, 3, 4, 2}, 1, 5), new float[] {0, 1, 0, 1, 0}, null), Forward.inference(manager))
        .getFloat();

    assertThat(v).isCloseTo(0f, within(1e-4f));
  }

  @Test
  void rows_everyArfLoss_trainsOnListsOnly() {
    assertThat(new ArfRelaxLoss(relax(1, 2, 1, "mean", false, false)).rows()).containsExactly(TrainingRows.LISTS);
    assertThat(new ArfGlobalLoss(new ArfGlobalLossConfig(null, null)).rows()).containsExactly(TrainingRows.LISTS);
    assertThat(new ArfLoss(new ArfLossConfig(null, null, null, null, null, null, null, null, null, null, null, null)).rows())
        .containsExactly(TrainingRows.LISTS);
  }

  @Test
  void relax_randomLists_gradientIsFiniteAndDeterministic() {
    SplittableRandom rng = new SplittableRandom(3);
    int b = 8;
    int len = 12;
    float[] s = new float[b * len];
    float[] labels = new float[b * len];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (5 * rng.nextGaussian());
      labels[i] = rng.nextInt(4) == 0 ? 1f : 0f;
    }
    ArfRelaxLossConfig c = relax(3, 5, 1, "mean", false, false);
    float[] g1 = grad(c, s, labels, null, b, len);
    float[] g2 = grad(c, s, labels, null, b, len);

    assertThat(g1).containsExactly(g2);
    for (float v : g1) {
      assertThat(v).isFinite();
    }
  }
}
