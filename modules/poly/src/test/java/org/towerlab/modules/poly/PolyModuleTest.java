package org.towerlab.modules.poly;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.KitInBatchSampler;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitSoftmaxLoss;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.registry.Registration;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.TrainStep;

class PolyModuleTest {

  @Test
  void configure_registersTheTowerAndTheInteraction() {
    Set<Registration> regs = Guice.createInjector(new PolyModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    Map<String, Kind> byKind = regs.stream().collect(Collectors.toMap(r -> r.kind() + ":" + r.name(),
        Registration::kind));
    assertThat(byKind.keySet()).containsExactlyInAnyOrder(Kind.TOWER + ":poly", Kind.INTERACTION + ":poly");
  }

  /** The seeded taste-group data plus a query-side behaviour sequence of the last 5 positives. */
  static Split groupedWithHistory() {
    Split base = Splits.grouped(40, 30, 4, 320, 3, false);
    Dataset d = base.dataset();
    List<FieldSpec> fields = new ArrayList<>(d.schema().fields());
    fields.add(FieldSpec.sequence("history", Side.QUERY, d.numItems(), 5));
    Dataset ds = new Dataset(d.name(), d.queryKind(), new Schema(fields), d.queryFeatures(), d.itemFeatures(),
        d.log(), d.itemCategory(), Map.of(), null);
    return new Split(base.protocol(), Map.of(), ds, base.train(), base.valid(), base.test(), "positive");
  }

  /**
   * Consecutive steps of the public {@link TrainStep}: the poly tower over id, group and the padded
   * history (4 codes), the kit's item tower, the poly interaction, the kit's in-batch softmax.
   */
  @Test
  void training_fewEpochsOnGroupedData_lossIsFiniteAndDecreases() {
    Split split = groupedWithHistory();
    int batch = 64;
    int epochs = 10;
    try (NDManager manager = NDManager.newBaseManager()) {
      PolyTower query = new PolyTower(new PolyTowerConfig(null, 4, 8, List.of(16), 8, true, null, null, null),
          "$.model.query-tower");
      KitModel model = new KitModel(query, KitTower.allFields(8), new PolyInteraction(new PolyInteractionConfig(null)));
      TestParams params = new TestParams(manager, 1);
      model.initialize(params.model(split));
      TrainStep step = TrainStep.builder(model, split).setLoss(new KitSoftmaxLoss()).optRows(TrainingRows.POSITIVES)
          .optSampler(new KitInBatchSampler(), FakeSamplerContext.of(split)).build();
      AdamW adam = new AdamW(params.all(), manager, 0.01, 0, 0);
      List<Double> epochLoss = new ArrayList<>();
      long s = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        double sum = 0;
        int count = 0;
        for (int start = 0; start + batch <= step.size(); start += batch) {
          int[] rows = new int[batch];
          for (int i = 0; i < batch; i++) {
            rows[i] = start + i;
          }
          TrainStep.Result r = step.run(rows, epoch, s, new SplittableRandom(s), new SplittableRandom(s), manager);
          s++;
          assertThat(r.loss()).isFinite();
          assertThat(r.metrics()).containsKey("poly-code-entropy");
          sum += r.loss();
          count++;
          adam.step();
        }
        epochLoss.add(sum / count);
      }
      assertThat(epochLoss.get(epochs - 1)).isLessThan(epochLoss.get(0) * 0.9);
    }
  }
}
