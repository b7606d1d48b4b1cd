package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.PairRelevance;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.modules.baseline.CorpusSampler;
import org.towerlab.modules.baseline.ExposureSampler;
import org.towerlab.modules.baseline.ExposureSamplerConfig;
import org.towerlab.modules.baseline.InBatchSampler;
import org.towerlab.modules.baseline.InBatchSamplerConfig;
import org.towerlab.modules.baseline.MixSampler;
import org.towerlab.modules.baseline.MlpTower;
import org.towerlab.modules.baseline.MlpTowerConfig;
import org.towerlab.modules.baseline.SampledSoftmaxLoss;
import org.towerlab.modules.baseline.SampledSoftmaxLossConfig;
import org.towerlab.modules.datasets.Simulator;
import org.towerlab.modules.datasets.SimulatorConfig;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.TrainStep;
import org.towerlab.trainers.TrainingSamplerContext;

/**
 * Every piece together on related-item data from the simulator: co-engagement pairs with the true
 * relevance rule, relabelling, the mixed negatives, popularity IPW around the multi-task loss,
 * task-heads towers over MLP towers and the task-heads interaction, trained by the public
 * {@link TrainStep}.
 */
class RelatedTrainingTest {

  @Test
  void training_everyPieceComposed_lossFallsAndTheRelevanceHeadRanksRelevantItemsFirst() {
    SimulatorConfig sc = SimulatorConfig.of(300, 60, 20, 3L);
    RelevanceConfig truth = new RelevanceConfig(List.of(RelevanceTermConfig.of("truth", null, 1.0)), 0.5);
    Dataset data = new CoEngagement(new CoEngagementConfig(sc, null, null, null, 3, null, true, null, truth, null,
        null), new Simulator(sc, 3L), "$.data").load();
    Split split = new RelatedTemporal(new RelatedTemporalConfig(null, null, null, null, 0.3, null, null))
        .split(data, new Seeds(1));
    assertThat((Integer) split.settings().get("relabel.demoted")).isPositive();
    try (NDManager manager = NDManager.newBaseManager()) {
      MlpTowerConfig base = new MlpTowerConfig(null, 8, List.of(16), 16, null, null);
      TaskHeadsTowerConfig heads = new TaskHeadsTowerConfig(base, 8, null);
      KitModel model = new KitModel(
          new TaskHeadsTower(heads, new MlpTower(base, "$.q.base"), "$.q"),
          new TaskHeadsTower(heads, new MlpTower(base, "$.i.base"), "$.i"),
          new TaskHeadsInteraction(new TaskHeadsInteractionConfig(null, null, null)));
      MultiTaskLoss multi = new MultiTaskLoss(new MultiTaskLossConfig(new SampledSoftmaxLossConfig(true), 1.0, null,
          null, null), new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), "$.loss.loss");
      PopularityIpwLoss loss = new PopularityIpwLoss(new PopularityIpwLossConfig(new SampledSoftmaxLossConfig(true),
          0.5, null, null, null), multi, "$.loss");
      TestParams params = new TestParams(manager, 1);
      model.initialize(params.model(split));
      loss.initialize(params.loss(split));
      MixSampler mix = new MixSampler(List.of(new InBatchSampler(new InBatchSamplerConfig(true)),
          new ExposureSampler(new ExposureSamplerConfig(2, true)), new CorpusSampler(16, true, 0.0)), true);
      TrainStep step = TrainStep.builder(model, split).setLoss(loss)
          .optSampler(mix, new TrainingSamplerContext(split, null, null)).build();
      AdamW adam = new AdamW(params.all(), manager, 0.01, 0, 0);
      int batch = 128;
      List<Double> epochLoss = new ArrayList<>();
      List<Double> relevance = new ArrayList<>();
      long s = 0;
      for (int epoch = 0; epoch < 6; epoch++) {
        double sum = 0;
        double rel = 0;
        int count = 0;
        for (int start = 0; start + batch <= step.size(); start += batch) {
          int[] rows = new int[batch];
          for (int i = 0; i < batch; i++) {
            rows[i] = start + i;
          }
          TrainStep.Result r = step.run(rows, epoch, s, new SplittableRandom(s), new SplittableRandom(s), manager);
          s++;
          assertThat(r.loss()).isFinite();
          assertThat(r.metrics()).containsKeys("ipw-weight", "relevance-bce");
          sum += r.loss();
          rel += r.metrics().get("relevance-bce");
          count++;
          adam.step();
        }
        epochLoss.add(sum / count);
        relevance.add(rel / count);
      }
      assertThat(epochLoss.get(epochLoss.size() - 1)).isLessThan(epochLoss.get(0));
      assertThat(relevance.get(relevance.size() - 1)).isLessThan(relevance.get(0));
      // the relevance head scores truly relevant items (rel >= 0.5) above the others, on average
      PairRelevance rule = data.relevance();
      int n = data.numItems();
      try (NDManager bm = manager.newSubManager()) {
        TowerOutput q = model.queryTower().encode(Batches.of(split).build(Side.QUERY, Batches.range(n), bm),
            Forwards.inference(bm));
        TowerOutput v = model.itemTower().encode(Batches.of(split).build(Side.ITEM, Batches.range(n), bm),
            Forwards.inference(bm));
        float[] f = ((TaskHeadsInteraction) model.interaction()).scoreAll("relevance", q, v, Forwards.inference(bm))
            .toFloatArray(); // [n * n]
        double on = 0;
        double off = 0;
        int nOn = 0;
        for (int a = 0; a < n; a++) {
          for (int b = 0; b < n; b++) {
            if (a == b) {
              continue;
            }
            if (rule.relevant(a, b)) {
              on += f[a * n + b];
              nOn++;
            } else {
              off += f[a * n + b];
            }
          }
        }
        assertThat(on / nOn).isGreaterThan(off / (n * (n - 1) - nOn));
      }
    }
  }
}
