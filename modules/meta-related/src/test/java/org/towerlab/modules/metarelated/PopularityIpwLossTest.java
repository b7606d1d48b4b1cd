package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.LossBatch;
import org.towerlab.api.testkit.LossContract;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.modules.baseline.BceLoss;
import org.towerlab.modules.baseline.BceLossConfig;
import org.towerlab.modules.baseline.SampledSoftmaxLoss;
import org.towerlab.modules.baseline.SampledSoftmaxLossConfig;

class PopularityIpwLossTest extends LossContract {
  // TinyData's training positives hold items 1 2 3 4 0 5 2 1: counts 1 2 2 1 1 1, mean 8/6
  private static final long[] ITEMS = {1, 0, 2, 5};

  private static PopularityIpwLossConfig config(double beta, double min, double max) {
    return new PopularityIpwLossConfig(new SampledSoftmaxLossConfig(true), beta, min, max, null);
  }

  private static PopularityIpwLoss ipw(Loss inner, double beta, double min, double max) {
    return new PopularityIpwLoss(config(beta, min, max), inner, "$.loss");
  }

  @Override
  protected Loss newLoss() {
    return ipw(new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), 1.0, 0.1, 10.0);
  }

  @Override
  protected LossBatch batch(TrainingRows mode) {
    return LossBatch.of(mode, 11).withIds(new long[] {0, 1, 2, 3}, ITEMS);
  }

  private static Gradients.Result run(NDManager m, Loss loss, LossBatch batch) {
    Map<String, NDArray> arrays = batch.arrays(m);
    return Gradients.of(Map.of("scores", arrays.get("scores")),
        () -> loss.compute(LossBatch.input(arrays), Forwards.training(m, 1)));
  }

  @Test
  void weights_handValues_clippedPowerOfTheRelativeShare() {
    // p = count / mean = (0.75, 1.5, 1.5, 0.75, 0.75, 0.75); beta 1: w = 1/p
    float[] w = PopularityIpwLoss.weights(new int[] {1, 2, 2, 1, 1, 1}, 1.0, 0.1, 10.0);
    assertThat(w).containsExactly(new float[] {4f / 3, 2f / 3, 2f / 3, 4f / 3, 4f / 3, 4f / 3}, within(1e-6f));
    // beta 0.5 and a clip at 1.2: sqrt(4/3) = 1.1547 stays, an unseen item gets w_max
    float[] half = PopularityIpwLoss.weights(new int[] {1, 2, 0}, 0.5, 0.9, 1.2);
    assertThat(half[0]).isCloseTo((float) Math.sqrt(1.0), within(1e-6f)); // p = 1/1 (mean 1)
    assertThat(half[1]).isCloseTo(0.9f, within(1e-6f)); // 1/sqrt(2) = 0.707, clipped up to 0.9
    assertThat(half[2]).isEqualTo(1.2f); // count 0: propensity 0, clipped to w_max
  }

  @Test
  void weights_randomCounts_alwaysInTheClipRange() {
    SplittableRandom rng = new SplittableRandom(9);
    for (int trial = 0; trial < 100; trial++) {
      int[] counts = new int[1 + rng.nextInt(40)];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = rng.nextInt(3) == 0 ? 0 : rng.nextInt(1000);
      }
      double beta = rng.nextDouble() * 3;
      double min = 0.01 + rng.nextDouble();
      double max = min + rng.nextDouble() * 20;
      for (float w : PopularityIpwLoss.weights(counts, beta, min, max)) {
        assertThat((double) w).isBetween(min - 1e-6, max + 1e-6);
      }
    }
  }

  @Test
  void compute_uniformCountsOrBetaZero_equalsTheUnweightedLossAndGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Loss inner = new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true));
      LossBatch batch = batch(TrainingRows.POSITIVES);
      Gradients.Result plain = run(m, inner, batch);

      // beta 0: every weight is 1 whatever the counts
      PopularityIpwLoss zero = ipw(inner, 0.0, 0.1, 10.0);
      zero.initialize(new TestParams(m, 1).loss(TinyData.split()));
      assertThat(zero.itemWeights()).containsOnly(1f);
      Gradients.Result r0 = run(m, zero, batch);
      assertThat(r0.value()).isCloseTo(plain.value(), within(1e-6f));
      assertThat(r0.of("scores")).containsExactly(plain.of("scores"), within(1e-6f));

      // uniform counts: every weight is the same constant (here 1), which the normalization cancels
      PopularityIpwLoss uniform = ipw(inner, 2.0, 0.1, 10.0);
      uniform.initialize(new TestParams(m, 1).loss(uniformSplit()));
      assertThat(uniform.itemWeights()).containsOnly(1f);
      Gradients.Result ru = run(m, uniform, batch);
      assertThat(ru.value()).isCloseTo(plain.value(), within(1e-6f));
      assertThat(ru.of("scores")).containsExactly(plain.of("scores"), within(1e-6f));
    }
  }

  @Test
  void compute_bce_isTheWeightedMeanOfTheRowLosses() {
    try (NDManager m = NDManager.newBaseManager()) {
      BceLoss bce = new BceLoss(new BceLossConfig("click"));
      PopularityIpwLoss loss = ipw(bce, 1.0, 0.1, 10.0);
      loss.initialize(new TestParams(m, 1).loss(TinyData.split()));
      LossBatch batch = batch(TrainingRows.LOGGED);
      float value = run(m, loss, batch).value();

      // row items 1 0 2 5: w = 2/3, 4/3, 2/3, 4/3; BCE per row from the scores and click labels
      double[] w = {2.0 / 3, 4.0 / 3, 2.0 / 3, 4.0 / 3};
      double num = 0;
      double den = 0;
      for (int i = 0; i < 4; i++) {
        double x = batch.scores[i];
        double y = batch.labels.get("click")[i];
        double l = Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0) - x * y;
        num += w[i] * l;
        den += w[i];
      }
      assertThat((double) value).isCloseTo(num / den, within(1e-5));
    }
  }

  @Test
  void compute_trainerWeights_multiplyTheIpwWeights() {
    try (NDManager m = NDManager.newBaseManager()) {
      BceLoss bce = new BceLoss(new BceLossConfig("click"));
      PopularityIpwLoss loss = ipw(bce, 1.0, 0.1, 10.0);
      loss.initialize(new TestParams(m, 1).loss(TinyData.split()));
      LossBatch batch = batch(TrainingRows.LOGGED);
      batch.weights = new float[] {3, 1, 1, 1};
      float withTrainer = run(m, loss, batch).value();
      // the same as the bce alone with weights 3 * 2/3, 4/3, 2/3, 4/3
      LossBatch direct = batch(TrainingRows.LOGGED);
      direct.weights = new float[] {2, 4f / 3, 2f / 3, 4f / 3};
      assertThat(withTrainer).isCloseTo(run(m, bce, direct).value(), within(1e-5f));
    }
  }

  @Test
  void rows_innerRowsWithoutLists_andModesDelegate() {
    Loss softmax = new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true));
    assertThat(ipw(softmax, 1, 0.1, 10).rows()).containsExactlyElementsOf(softmax.rows());
    assertThat(ipw(softmax, 1, 0.1, 10).needsNegatives()).isTrue();
    BceLoss bce = new BceLoss(new BceLossConfig("click"));
    assertThat(ipw(bce, 1, 0.1, 10).rows()).containsExactlyElementsOf(bce.rows());
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new PopularityIpwLossConfig(null, null, null, null, null)).hasMessageContaining("loss");
    assertThatThrownBy(() -> config(-1, 0.1, 10)).hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> config(1, 2, 1)).hasMessageContaining("min-weight 2.0");
    assertThatThrownBy(() -> new PopularityIpwLossConfig(new SampledSoftmaxLossConfig(true), null, null, null, "clicks"))
        .hasMessageContaining("'clicks'");
  }

  /** TinyData's split with every item once among the training positives. */
  private static org.towerlab.api.data.Split uniformSplit() {
    org.towerlab.api.data.Split s = TinyData.split();
    int[] items = {0, 1, 2, 3, 4, 5};
    int[] queries = {0, 0, 1, 2, 3, 3};
    long[] ts = new long[6];
    float[] ones = new float[6];
    Arrays.fill(ones, 1f);
    org.towerlab.api.data.InteractionLog train = new org.towerlab.api.data.InteractionLog(queries, items, ts,
        Map.of("positive", ones), null, null, null);
    return new org.towerlab.api.data.Split(s.protocol(), s.settings(), s.dataset(), train, s.valid(), s.test(),
        s.positiveLabel());
  }

  @Test
  void compute_withoutIds_failsLoudlyRatherThanSilentlyUnweighted() {
    try (NDManager m = NDManager.newBaseManager()) {
      PopularityIpwLoss loss = (PopularityIpwLoss) newLoss();
      loss.initialize(new TestParams(m, 1).loss(TinyData.split()));
      LossInput in = LossInput.builder(Tensors.create(m, new float[] {1, 2})).build();
      assertThatThrownBy(() -> loss.compute(in, Forwards.training(m, 1))).hasMessageContaining("item ids");
    }
  }

}
