package org.towerlab.modules.hit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.KitInBatchSampler;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitSoftmaxLoss;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.registry.Registration;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.TrainStep;

class HitModuleTest {

  @Test
  void configure_registersTheTowerAndTheInteraction() {
    Set<Registration> regs = Guice.createInjector(new HitModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    Map<String, Kind> byName = regs.stream().collect(Collectors.toMap(Registration::name, Registration::kind));
    assertThat(byName).containsExactlyInAnyOrderEntriesOf(Map.of("hit", Kind.TOWER, "max-sim", Kind.INTERACTION));
  }

  /**
   * A few dozen training steps of the public {@link TrainStep}: MaxSim scores (normalized heads,
   * temperature 0.2), the kit's in-batch softmax with same-item columns masked, both towers'
   * generation losses through Coupling, one backward, an AdamW update.
   */
  @Test
  void training_fewSteps_mainAndGenerationLossesDecrease() {
    Split split = Fixtures.split();
    InteractionLog log = split.train();
    int b = 16;
    int steps = 80;
    double[] main = new double[steps];
    double[] gen = new double[steps];
    try (NDManager root = NDManager.newBaseManager()) {
      HitTowerConfig config = Fixtures.config(true, null);
      KitModel model = new KitModel(new HitTower(config, "$.model.query-tower"), new HitTower(config,
          "$.model.item-tower"), new MaxSimInteraction(new MaxSimInteractionConfig(true, 0.2)));
      TestParams params = new TestParams(root, 11);
      model.initialize(params.model(split));
      TrainStep trainStep = TrainStep.builder(model, split).setLoss(new KitSoftmaxLoss())
          .optRows(TrainingRows.POSITIVES).optSampler(new KitInBatchSampler(), FakeSamplerContext.of(split)).build();
      AdamW adam = new AdamW(params.all(), root, 0.01, 0, 0);
      SplittableRandom rng = new SplittableRandom(5);
      for (int step = 0; step < steps; step++) {
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
          rows[i] = rng.nextInt(log.size());
        }
        TrainStep.Result r = trainStep.run(rows, 0, step, new SplittableRandom(step), new SplittableRandom(step), root);
        assertThat(r.aux()).containsOnlyKeys("hit-generation-query", "hit-generation-item");
        gen[step] = r.aux().get("hit-generation-query") + r.aux().get("hit-generation-item");
        main[step] = r.loss() - gen[step];
        adam.step();
      }
    }
    for (int s = 0; s < steps; s++) {
      assertThat(main[s]).isFinite();
      assertThat(gen[s]).isFinite();
    }
    assertThat(mean(main, steps - 10, steps)).isLessThan(0.85 * mean(main, 0, 10));
    assertThat(mean(gen, steps - 10, steps)).isLessThan(0.85 * mean(gen, 0, 10));
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}
