package org.towerlab.modules.gnolr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.LossBatch;
import org.towerlab.api.testkit.LossContract;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;

/**
 * The nested ordinal loss on TinyData's training rows: levels rating &ge; 4 &lt; 5, positive rates
 * 8/11 and 5/11 over the 11 shown rows, so {@code a = [ln(3/8), ln(6/5)]} and the guard bound of
 * level 2 is {@code ln(6/5) - ln(3/8) = 1.163}.
 */
class GnolrLossTest extends LossContract {
  static final double A1 = Math.log(3.0 / 8);
  static final double A2 = Math.log(6.0 / 5);

  static GnolrLossConfig ratingLevels(List<Double> scales, Boolean learn, Boolean nested) {
    return new GnolrLossConfig(null, "rating", List.of(4.0, 5.0), scales, null, learn, null, nested);
  }

  @Override
  protected Loss newLoss() {
    return new GnolrLoss(ratingLevels(List.of(2.0, 1.0), null, null), "$.loss");
  }

  /** The LOGGED batch (ratings 5, 1, 4, 2: classes 2, 0, 1, 0) with two level heads of width 3. */
  @Override
  protected LossBatch batch(TrainingRows mode) {
    return LossBatch.of(mode, 11).withHeads(2, 3, 5);
  }

  @Nested
  class LearnedThresholds extends LossContract {
    @Override
    protected Loss newLoss() {
      return new GnolrLoss(ratingLevels(List.of(2.0, 1.0), true, null), "$.loss");
    }

    @Override
    protected LossBatch batch(TrainingRows mode) {
      return LossBatch.of(mode, 11).withHeads(2, 3, 5);
    }
  }

  @Nested
  class WithoutNestedOptimization extends LossContract {
    @Override
    protected Loss newLoss() {
      return new GnolrLoss(ratingLevels(List.of(2.0, 1.0), null, false), "$.loss");
    }

    @Override
    protected LossBatch batch(TrainingRows mode) {
      return LossBatch.of(mode, 11).withHeads(2, 3, 5);
    }
  }

  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private GnolrLoss initialized(GnolrLossConfig config, Split split, TestParams params) {
    GnolrLoss loss = new GnolrLoss(config, "$.loss");
    loss.initialize(params.loss(split));
    return loss;
  }

  /** Query heads (1, 0) in every level and item heads at the given cosines: {@code [B, K, 2]} each. */
  private TowerOutput[] atCosines(float[][] cosines) {
    int b = cosines.length;
    int k = cosines[0].length;
    float[] q = new float[b * k * 2];
    float[] v = new float[b * k * 2];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < k; i++) {
        float c = cosines[r][i];
        q[(r * k + i) * 2] = 1f;
        v[(r * k + i) * 2] = c;
        v[(r * k + i) * 2 + 1] = (float) Math.sqrt(Math.max(0, 1 - c * c));
      }
    }
    NDArray qh = Tensors.create(m, q, new Shape(b, k, 2));
    NDArray vh = Tensors.create(m, v, new Shape(b, k, 2));
    return new TowerOutput[] {new TowerOutput(qh.reshape(b, k * 2), qh, null, null, Map.of()),
        new TowerOutput(vh.reshape(b, k * 2), vh, null, null, Map.of())};
  }

  private LossInput input(TowerOutput[] outputs, Map<String, float[]> labels, float[] weights) {
    Map<String, NDArray> l = new LinkedHashMap<>();
    labels.forEach((k, v) -> l.put(k, Tensors.create(m, v)));
    return LossInput.builder(null).labels(l).weights(weights == null ? null : Tensors.create(m, weights))
        .outputs(outputs[0], outputs[1]).build();
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  @Test
  void initialize_tinyTrainingRows_thresholdsAreMinusLogOddsOfThePositiveRates() {
    GnolrLoss loss = initialized(ratingLevels(List.of(2.0, 1.0), null, null), TinyData.split(), new TestParams(m, 1));
    assertThat(loss.initialThresholds()).containsExactly(new float[] {(float) A1, (float) A2}, within(1e-6f));
  }

  @Test
  void initialize_validAndTestLabelsChanged_sameThresholds() {
    Split s = TinyData.split();
    float[] fives = new float[s.logged("test").size()];
    java.util.Arrays.fill(fives, 5f);
    Split changed = new Split(s.protocol(), s.settings(), s.dataset(), s.train(), s.valid(), s.test(),
        new Split.Logged(s.logged("train"), s.logged("valid").withLabel("rating", new float[s.logged("valid").size()]),
            s.logged("test").withLabel("rating", fives)), s.positiveLabel());
    GnolrLoss loss = initialized(ratingLevels(List.of(2.0, 1.0), null, null), changed, new TestParams(m, 1));
    assertThat(loss.initialThresholds()).containsExactly(new float[] {(float) A1, (float) A2}, within(1e-6f));
  }

  @Test
  void compute_threeRowsOfEachClass_matchesHandComputedNestedLikelihood() {
    GnolrLoss loss = initialized(ratingLevels(List.of(2.0, 1.0), null, null), TinyData.split(), new TestParams(m, 1));
    float[][] c = {{0.6f, -0.8f}, {0.6f, -0.8f}, {0.6f, -0.8f}};
    NDArray value = loss.compute(input(atCosines(c), Map.of("rating", new float[] {1, 4, 5}), null),
        Forwards.training(m, 1));
    // z = (2 * 0.6, 1.2 - 0.8) = (1.2, 0.4); p_k = sigmoid(z_k - a_k)
    double p1 = sigmoid(1.2 - A1);
    double p2 = sigmoid(0.4 - A2);
    double class0 = -2 * Math.log(1 - p1); // t = 1 and t = 2 both see class 0
    double class1 = -Math.log(p1) - Math.log(p1 - p2); // t = 1: y >= 1; t = 2: P(1) = p1 - p2
    double class2 = -Math.log(p1) - Math.log(p2);
    assertThat(value.getFloat()).isCloseTo((float) ((class0 + class1 + class2) / 3), within(1e-5f));
  }

  @Test
  void compute_nestedMinusPlain_isTheFirstLevelBinaryLoss() {
    Split split = TinyData.split();
    GnolrLoss nested = initialized(ratingLevels(List.of(2.0, 1.0), null, true), split, new TestParams(m, 1));
    GnolrLoss plain = initialized(ratingLevels(List.of(2.0, 1.0), null, false), split, new TestParams(m, 1));
    float[][] c = {{0.3f, 0.9f}, {-0.5f, 0.1f}, {0.95f, -0.2f}, {0f, 0f}};
    float[] rating = {5, 1, 4, 2};
    Map<String, float[]> labels = Map.of("rating", rating);
    float n = nested.compute(input(atCosines(c), labels, null), Forwards.training(m, 1)).getFloat();
    float p = plain.compute(input(atCosines(c), labels, null), Forwards.training(m, 1)).getFloat();
    double bce = 0;
    for (int r = 0; r < c.length; r++) {
      double x = 2 * c[r][0] - A1;
      bce += softplus(x) - x * (rating[r] >= 4 ? 1 : 0);
    }
    assertThat(n - p).isCloseTo((float) (bce / c.length), within(1e-5f));
  }

  @Test
  void compute_oneLevelAndOddsOne_isTheBinaryLogisticLossWithItsGradient() {
    GnolrLossConfig one = new GnolrLossConfig(List.of("click"), null, null, List.of(3.0), List.of(1.0), null, null,
        null);
    GnolrLoss loss = initialized(one, TinyData.split(), new TestParams(m, 1));
    SplittableRandom rng = new SplittableRandom(3);
    float[] q = new float[4 * 3];
    float[] v = new float[4 * 3];
    for (int i = 0; i < q.length; i++) {
      q[i] = (float) rng.nextGaussian();
      v[i] = (float) rng.nextGaussian();
    }
    float[] click = {1, 0, 0, 1};
    float[] weights = {1, 2, 0.5f, 1};
    NDArray qh = Tensors.create(m, q, new Shape(4, 1, 3));
    NDArray vh = Tensors.create(m, v, new Shape(4, 1, 3));
    Gradients.Result mine = Gradients.of(Map.of("q", qh, "v", vh), () -> loss.compute(input(new TowerOutput[] {
        new TowerOutput(qh.reshape(4, 3), qh, null, null, Map.of()),
        new TowerOutput(vh.reshape(4, 3), vh, null, null, Map.of())}, Map.of("click", click), weights),
        Forwards.training(m, 1)));
    // the binary logistic loss on the logit x = 3 cos(q, v), weighted mean over rows
    Gradients.Result reference = Gradients.of(Map.of("q", qh, "v", vh), () -> {
      NDArray x = GnolrTower.unit(qh).mul(GnolrTower.unit(vh)).sum(new int[] {1, 2}).mul(Tensors.scalar(m, 3f));
      NDArray y = Tensors.create(m, click);
      NDArray w = Tensors.create(m, weights);
      NDArray perRow = GnolrLoss.softplus(x).sub(x.mul(y)); // [B]
      return perRow.mul(w).sum().div(w.sum());
    });
    assertThat(mine.value()).isCloseTo(reference.value(), within(1e-5f));
    assertThatArray(mine.of("q")).isCloseTo(reference.of("q"), Tolerance.relative(1e-4, 1e-6));
    assertThatArray(mine.of("v")).isCloseTo(reference.of("v"), Tolerance.relative(1e-4, 1e-6));
  }

  @Test
  void compute_headGradient_matchesFiniteDifferences() {
    GnolrLoss loss = initialized(ratingLevels(List.of(2.0, 1.0), null, null), TinyData.split(), new TestParams(m, 1));
    LossBatch batch = LossBatch.of(TrainingRows.LOGGED, 11).withHeads(2, 3, 9);
    Map<String, NDArray> arrays = batch.arrays(m);
    NDArray q = arrays.get("queryHeads");
    Gradients.Result g = Gradients.of(Map.of("q", q), () -> loss.compute(LossBatch.input(arrays), Forwards.training(m, 1)));
    float h = 1e-2f;
    for (int i : new int[] {0, 4, 7, 13, 22}) {
      float[] plus = batch.queryHeads.clone();
      float[] minus = batch.queryHeads.clone();
      plus[i] += h;
      minus[i] -= h;
      double fPlus = value(loss, batch, plus);
      double fMinus = value(loss, batch, minus);
      double numeric = (fPlus - fMinus) / (2 * h);
      assertThat((double) g.of("q")[i]).as("d loss / d queryHeads[%d]", i).isCloseTo(numeric, within(2e-3));
    }
  }

  private double value(GnolrLoss loss, LossBatch batch, float[] queryHeads) {
    float[] saved = batch.queryHeads;
    batch.queryHeads = queryHeads;
    try (NDManager bm = m.newSubManager()) {
      return loss.compute(LossBatch.input(batch.arrays(bm)), Forwards.training(bm, 1)).getFloat();
    } finally {
      batch.queryHeads = saved;
    }
  }

  @Test
  void classProbabilities_guardHolds_nonNegativeSumToOneAndOrdered() {
    // scales just inside the bound of level 2 (1.163), the worst case for the ordering
    GnolrLoss loss = initialized(ratingLevels(List.of(5.0, 1.16), null, null), TinyData.split(), new TestParams(m, 1));
    float[] grid = {-1f, -0.5f, 0f, 0.5f, 1f};
    float[] c = new float[grid.length * grid.length * 2];
    int n = 0;
    for (float c1 : grid) {
      for (float c2 : grid) {
        c[2 * n] = c1;
        c[2 * n + 1] = c2;
        n++;
      }
    }
    float[] p = loss.classProbabilities(Tensors.create(m, c, new Shape(n, 2)), Forwards.inference(m)).toFloatArray();
    for (int r = 0; r < n; r++) {
      float sum = 0;
      for (int j = 0; j < 3; j++) {
        assertThat(p[3 * r + j]).as("P(y = %d) at cosines (%s, %s)", j, c[2 * r], c[2 * r + 1]).isGreaterThan(0f);
        sum += p[3 * r + j];
      }
      assertThat(sum).isCloseTo(1f, within(1e-6f));
      // p_1 = P(y >= 1) = P(1) + P(2) > p_2 = P(2)
      assertThat(p[3 * r + 1] + p[3 * r + 2]).isGreaterThan(p[3 * r + 2]);
    }
  }

  @Test
  void classProbabilities_oneLevel_isTheSigmoidMIdentity() {
    double odds = 0.2;
    GnolrLoss loss = initialized(new GnolrLossConfig(List.of("click"), null, null, List.of(3.0), List.of(odds), null,
        null, null), TinyData.split(), new TestParams(m, 1));
    float[] c = {-1f, -0.3f, 0f, 0.7f, 1f};
    float[] p = loss.classProbabilities(Tensors.create(m, c, new Shape(5, 1)), Forwards.inference(m)).toFloatArray();
    for (int r = 0; r < c.length; r++) {
      double z = 3 * c[r];
      // sigmoid(z - a) with a = -ln m equals m / (m + exp(-z)), the official code's sigmoid_m
      assertThat((double) p[2 * r + 1]).isCloseTo(odds / (odds + Math.exp(-z)), within(1e-6));
    }
  }

  @Test
  void initialize_scaleAboveTheGuardBound_refusedWithTheBounds() {
    GnolrLoss loss = new GnolrLoss(ratingLevels(List.of(2.0, 1.5), null, null), "$.loss");
    assertThatThrownBy(() -> loss.initialize(new TestParams(m, 1).loss(TinyData.split())))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.loss.scales is [2.0, 1.5]")
        .hasMessageContaining("[0.727, 0.455]") // the training positive rates
        .hasMessageContaining("[inf, 1.163]") // the bounds
        .hasMessageContaining("[2.0, 1.04]"); // a safe suggestion: 0.9 of the bound
  }

  @Test
  void learnedThresholds_anyParameters_monotoneWithGapsAboveTheScales() {
    TestParams params = new TestParams(m, 1);
    GnolrLoss loss = initialized(new GnolrLossConfig(null, "rating", List.of(2.0, 4.0, 5.0), List.of(3.0, 0.4, 0.5),
        null, true, null, null), TinyData.split(), params);
    NDArray theta = params.all().get("loss.thresholds");
    // at initialization the thresholds are -ln m_k
    assertThat(loss.thresholds(Forwards.inference(m)).toFloatArray()).containsExactly(loss.initialThresholds(),
        within(1e-5f));
    theta.set(new float[] {2f, -30f, 5f});
    float[] a = loss.thresholds(Forwards.inference(m)).toFloatArray();
    assertThat(a[0]).isCloseTo(2f, within(1e-6f));
    assertThat(a[1] - a[0]).isGreaterThan(0.4f);
    assertThat(a[2] - a[1]).isGreaterThan(0.5f);
  }

  @Test
  void learnedThresholds_training_logsThemAndRegularizesTowardsTheInitialValues() {
    TestParams params = new TestParams(m, 1);
    GnolrLoss loss = initialized(new GnolrLossConfig(null, "rating", List.of(4.0, 5.0), List.of(2.0, 1.0), null, true,
        0.5, null), TinyData.split(), params);
    NDArray theta = params.all().get("loss.thresholds");
    LossBatch batch = LossBatch.of(TrainingRows.LOGGED, 11).withHeads(2, 3, 5);
    Forward fwd = Forwards.training(m, 1);
    float atInit = loss.compute(LossBatch.input(batch.arrays(m)), fwd).getFloat();
    assertThat(fwd.metrics()).containsKeys("gnolr-a1", "gnolr-a2");
    assertThat(fwd.metrics().get("gnolr-a1")).isCloseTo(A1, within(1e-5));
    theta.set(new float[] {(float) A1 + 1f, theta.toFloatArray()[1]});
    float moved = loss.compute(LossBatch.input(batch.arrays(m)), Forwards.training(m, 1)).getFloat();
    GnolrLoss fixed = initialized(ratingLevels(List.of(2.0, 1.0), null, null), TinyData.split(), new TestParams(m, 2));
    float fixedAtInit = fixed.compute(LossBatch.input(batch.arrays(m)), Forwards.training(m, 1)).getFloat();
    assertThat(atInit).isCloseTo(fixedAtInit, within(1e-5f)); // no drift yet: the fixed loss
    // a_1 moved by 1 (a_2 with it): the regularizer adds 0.5 * mean(1^2, 1^2) = 0.5 on top of the likelihood
    assertThat(moved).isGreaterThan(0.5f);
  }

  @Test
  void incompatibility_positivesOnlySplit_refusedNamingTheCtrProtocol() {
    GnolrLoss loss = new GnolrLoss(ratingLevels(List.of(2.0, 1.0), null, null), "$.loss");
    String problem = loss.incompatibility(new Compatibility.Parts(null, null, null, null, null, loss, null,
        TinyData.positivesOnly()));
    assertThat(problem).contains("trains on logged rows").contains("ctr, min-rating: 3").contains("tiny-positives");
  }

  @Test
  void incompatibility_missingLabel_namesTheKnownLabels() {
    // TinyData has click but no like or share
    GnolrLoss loss = new GnolrLoss(new GnolrLossConfig(null, null, null, null, null, null, null, null), "$.loss");
    String problem = loss.incompatibility(new Compatibility.Parts(null, null, null, null, null, loss, null,
        TinyData.split()));
    assertThat(problem).contains("label 'like'").contains("[click, positive, rating]").contains("$.loss.labels");
  }

  @Test
  void incompatibility_interactionScalesDiffer_refusedUnlessBothAreEqualScales() {
    GnolrLoss unequal = new GnolrLoss(ratingLevels(List.of(2.0, 1.0), null, null), "$.loss");
    GnolrInteraction unset = new GnolrInteraction(new GnolrInteractionConfig(List.of("good", "top"), null));
    GnolrInteraction same = new GnolrInteraction(new GnolrInteractionConfig(List.of("good", "top"), List.of(2.0, 1.0)));
    assertThat(unequal.incompatibility(parts(unset))).contains("Set model.interaction.scales to [2.0, 1.0]");
    assertThat(unequal.incompatibility(parts(same))).isNull();
    GnolrLoss equal = new GnolrLoss(ratingLevels(List.of(0.5, 0.5), null, null), "$.loss");
    assertThat(equal.incompatibility(parts(unset))).isNull();
    GnolrInteraction three = new GnolrInteraction(new GnolrInteractionConfig(null, null));
    assertThat(equal.incompatibility(parts(three))).contains("give both the same number of levels");
  }

  private static Compatibility.Parts parts(GnolrInteraction interaction) {
    GnolrTower tower = new GnolrTower(new GnolrTowerConfig(2, 4, List.of(), null, 4, null, null, null), null, "$.t");
    return new Compatibility.Parts(null, tower, tower, interaction, null, null, null, null);
  }

  @Test
  void rows_loggedOnly() {
    assertThat(newLoss().rows()).containsExactly(TrainingRows.LOGGED);
    assertThat(newLoss().needsNegatives()).isFalse();
  }

  @Test
  void config_bothForms_refusedWithTheValues() {
    assertThatThrownBy(() -> new GnolrLossConfig(List.of("click"), "rating", List.of(3.0), null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[click]").hasMessageContaining("rating");
    assertThatThrownBy(() -> new GnolrLossConfig(null, "rating", List.of(4.0, 3.0), null, null, null, null, null))
        .hasMessageContaining("strictly increasing").hasMessageContaining("[4.0, 3.0]");
    assertThatThrownBy(() -> new GnolrLossConfig(null, null, null, List.of(1.0, 2.0), null, null, null, null))
        .hasMessageContaining("one value per level (3)");
    assertThatThrownBy(() -> new GnolrLossConfig(null, null, null, List.of(1.0, -2.0, 1.0), null, null, null, null))
        .hasMessageContaining("-2.0");
  }

  @Test
  void config_defaults_simulatorLevelsPaperFirstScaleOfficialBeta() {
    GnolrLossConfig c = new GnolrLossConfig(null, null, null, null, null, null, null, null);
    assertThat(c.labels()).containsExactly("click", "like", "share");
    assertThat(c.scales()).containsExactly(4.0, 0.5, 0.5);
    assertThat(c.learnThresholds()).isFalse();
    assertThat(c.thresholdWeight()).isEqualTo(1e-3);
    assertThat(c.nested()).isTrue();
    assertThat(c.levels()).isEqualTo(3);
  }

  @Test
  void compute_notInitialized_saysSo() {
    GnolrLoss loss = new GnolrLoss(ratingLevels(List.of(2.0, 1.0), null, null), "$.loss");
    assertThatThrownBy(() -> loss.thresholds(Forwards.inference(m))).hasMessageContaining("not initialized");
  }

  @Test
  void logged_tinyTrainingRows_unexposedRowExcludedFromRates() {
    InteractionLog train = TinyData.loggedTrain();
    assertThat(train.exposed()[8]).isFalse();
    OrdinalLevels levels = OrdinalLevels.ofLabels(List.of("click"));
    assertThat(levels.positiveRates(OrdinalLevels.shown(train))[0]).isCloseTo(8.0 / 11, within(1e-12));
  }
}
