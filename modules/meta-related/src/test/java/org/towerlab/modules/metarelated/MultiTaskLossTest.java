package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.LossBatch;
import org.towerlab.api.testkit.LossContract;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.modules.baseline.SampledSoftmaxLoss;
import org.towerlab.modules.baseline.SampledSoftmaxLossConfig;

class MultiTaskLossTest extends LossContract {
  private static final float[] RELEVANCE = {0.9f, 0.1f, 0.5f, 0f};

  private static MultiTaskLoss loss(double lambda, String pairs) {
    return new MultiTaskLoss(new MultiTaskLossConfig(new SampledSoftmaxLossConfig(true), lambda, null, pairs, 2.0),
        new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), "$.loss");
  }

  @Override
  protected Loss newLoss() {
    return loss(1.0, "rows");
  }

  @Override
  protected LossBatch batch(TrainingRows mode) {
    LossBatch b = LossBatch.of(mode, 11).withHeads(2, 3, 5);
    b.labels.put("relevance", RELEVANCE);
    return b;
  }

  private static Gradients.Result run(NDManager m, Loss loss, LossBatch batch) {
    Map<String, NDArray> arrays = batch.arrays(m);
    return Gradients.of(Map.of("scores", arrays.get("scores"), "queryHeads", arrays.get("queryHeads"),
        "itemHeads", arrays.get("itemHeads")), () -> loss.compute(LossBatch.input(arrays), Forwards.training(m, 1)));
  }

  @Test
  void compute_lambdaZero_equalsTheEngagementLoss() {
    try (NDManager m = NDManager.newBaseManager()) {
      LossBatch b = batch(TrainingRows.POSITIVES);
      Gradients.Result mine = run(m, loss(0.0, "rows"), b);
      Gradients.Result plain = run(m, new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), b);
      assertThat(mine.value()).isCloseTo(plain.value(), within(1e-6f));
      assertThat(mine.of("scores")).containsExactly(plain.of("scores"), within(1e-6f));
    }
  }

  @Test
  void compute_rows_addsLambdaTimesTheRelevanceHeadBceAndNeverTouchesTheEngagementHeads() {
    try (NDManager m = NDManager.newBaseManager()) {
      LossBatch b = batch(TrainingRows.POSITIVES);
      float plain = run(m, new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), b).value();
      MultiTaskLoss l = loss(0.5, "rows");
      Gradients.Result r = run(m, l, b);

      // z_i = 2 <q_r(i), v_r(i)> from the raw heads; BCE(z, y) = log(1 + e^z) - y z; mean over rows
      double bce = 0;
      for (int i = 0; i < 4; i++) {
        double z = 0;
        for (int k = 0; k < 3; k++) {
          z += b.queryHeads[i * 6 + 3 + k] * b.itemHeads[i * 6 + 3 + k];
        }
        z *= 2;
        bce += Math.log1p(Math.exp(z)) - RELEVANCE[i] * z;
      }
      assertThat((double) r.value()).isCloseTo(plain + 0.5 * bce / 4, within(1e-5));
      // head 0 (engagement) of both sides gets no gradient from the loss: the engagement part reads the scores
      float[] gq = r.of("queryHeads");
      float[] gi = r.of("itemHeads");
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 3; k++) {
          assertThat(gq[i * 6 + k]).isZero();
          assertThat(gi[i * 6 + k]).isZero();
        }
      }
      assertThat(org.towerlab.api.testkit.Gradients.maxAbs(gq)).isPositive();
    }
  }

  @Test
  void compute_inBatch_targetsFromTheDataSetRuleForEveryCrossPair() {
    Dataset d = new CoEngagement(RelatedFixtures.config(2, true, "drop", null, null),
        RelatedFixtures.source(RelatedFixtures.users()), "$.data").load();
    Split split = new RelatedTemporal(RelatedTemporalConfig.defaults()).split(d, new Seeds(1));
    try (NDManager m = NDManager.newBaseManager()) {
      MultiTaskLoss l = loss(1.0, "in-batch");
      l.initialize(new TestParams(m, 1).loss(split));
      long[] q = {0, 3, 4, 1};
      long[] it = {1, 0, 5, 2};
      LossBatch b = batch(TrainingRows.POSITIVES).withIds(q, it);
      float plain = run(m, new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), b).value();
      float value = run(m, l, b).value();

      double total = 0;
      for (int i = 0; i < 4; i++) {
        double row = 0;
        for (int j = 0; j < 4; j++) {
          double z = 0;
          for (int k = 0; k < 3; k++) {
            z += b.queryHeads[i * 6 + 3 + k] * b.itemHeads[j * 6 + 3 + k];
          }
          z *= 2;
          double y = d.relevance().relevance((int) q[i], (int) it[j]); // same category: 1, else 0
          row += Math.log1p(Math.exp(z)) - y * z;
        }
        total += row / 4;
      }
      assertThat((double) value).isCloseTo(plain + total / 4, within(1e-5));
    }
  }

  @Test
  void initialize_inBatchWithoutARule_userErrorSuggestsRows() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultiTaskLoss l = loss(1.0, "in-batch");
      assertThatThrownBy(() -> l.initialize(new TestParams(m, 1).loss(TinyData.split())))
          .isInstanceOf(UserException.class).hasMessageContaining("pairs: rows");
    }
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new MultiTaskLossConfig(null, null, null, null, null)).hasMessageContaining("engagement");
    assertThatThrownBy(() -> new MultiTaskLossConfig(new SampledSoftmaxLossConfig(true), -1.0, null, null, null))
        .hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> new MultiTaskLossConfig(new SampledSoftmaxLossConfig(true), null, null, "all", null))
        .hasMessageContaining("'all'");
  }
}
