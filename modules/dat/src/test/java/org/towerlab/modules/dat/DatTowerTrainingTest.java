package org.towerlab.modules.dat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.KitInBatchSampler;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitSoftmaxLoss;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.TrainStep;

/**
 * End-to-end smoke run: both DAT towers scored by {@code <p_u, p_v> / 0.1} (cosine / 0.1: DAT's
 * outputs are unit vectors), an in-batch softmax with accidental hits masked, the mimic and CAL
 * terms, trained by the public {@link TrainStep} and AdamW over consecutive batches of 64.
 */
class DatTowerTrainingTest {

  @Test
  void training_fewEpochsOnTinySplit_lossIsFiniteAndDecreases() {
    Split split = Splits.grouped(40, 30, 4, 320, 3, true);
    int batch = 64;
    int epochs = 12;
    try (NDManager manager = NDManager.newBaseManager()) {
      DatTower query = new DatTower(new DatTowerConfig(null, 8, List.of(16), 8, null, null, null, 0.5, null, null, null),
          "$.model.query-tower");
      DatTower item = new DatTower(new DatTowerConfig(null, 8, List.of(16), 8, null, null, null, 0.5, 1.0, null, null),
          "$.model.item-tower");
      KitModel model = new KitModel(query, item, new KitDotInteraction(0.1));
      TestParams params = new TestParams(manager, 1);
      model.initialize(params.model(split));
      TrainStep step = TrainStep.builder(model, split).setLoss(new KitSoftmaxLoss()).optRows(TrainingRows.POSITIVES)
          .optSampler(new KitInBatchSampler(), FakeSamplerContext.of(split)).build();
      AdamW adam = new AdamW(params.all(), manager, 0.01, 0, 0);
      List<Double> epochLoss = new ArrayList<>();
      List<Double> epochMimic = new ArrayList<>();
      long s = 0;
      int n = step.size();
      for (int epoch = 0; epoch < epochs; epoch++) {
        double sum = 0;
        double mimic = 0;
        int count = 0;
        for (int start = 0; start + batch <= n; start += batch) {
          int[] rows = new int[batch];
          for (int i = 0; i < batch; i++) {
            rows[i] = start + i;
          }
          TrainStep.Result r = step.run(rows, epoch, s, new SplittableRandom(s), new SplittableRandom(s), manager);
          s++;
          assertThat(r.aux()).containsKeys("dat-mimic-query", "dat-mimic-item", DatTower.CAL_LOSS);
          r.aux().values().forEach(v -> assertThat(v).isFinite());
          assertThat(r.loss()).isFinite();
          sum += r.loss();
          mimic += r.aux().get("dat-mimic-query") + r.aux().get("dat-mimic-item");
          count++;
          adam.step();
        }
        epochLoss.add(sum / count);
        epochMimic.add(mimic / count);
      }
      assertThat(epochLoss.get(epochs - 1)).isLessThan(epochLoss.get(0) * 0.9);
      assertThat(epochMimic.get(epochs - 1)).isLessThan(epochMimic.get(0));
    }
  }
}
