package org.towerlab.modules.mvke;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.registry.Registration;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.TrainStep;

class MvkeModuleTest {

  @Test
  void configure_registersTheModelAndTheLoss() {
    Set<Registration> regs = Guice.createInjector(new MvkeModule())
        .getInstance(Key.get(new TypeLiteral<Set<Registration>>() {}));
    assertThat(regs.stream().map(r -> r.kind() + ":" + r.name()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(Kind.MODEL + ":mvke", Kind.LOSS + ":mvke-bce");
  }

  @Test
  void config_defaults_officialFiveKernelsAndTwoTasks() {
    MvkeModelConfig c = new MvkeModelConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    assertThat(c.kernels()).isEqualTo(5);
    assertThat(c.taskNames()).containsExactly("click", "like");
    assertThat(c.task("click").kernels()).containsExactly(0, 1, 2);
    assertThat(c.task("like").kernels()).containsExactly(1, 2, 3, 4);
    assertThat(c.primary()).isEqualTo("click");
  }

  @Test
  void config_badTasks_nameTheProblem() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MvkeModelConfig(null, 3, null, null, null, null, null,
        null, null, null, null, null)).hasMessageContaining("uses kernel 3");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MvkeModelConfig(null, 4, null, null, null, null, null,
        null, List.of(new MvkeTaskConfig("a", List.of(0, 1, 2))), null, null, null))
        .hasMessageContaining("kernel 3 belongs to no task");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MvkeTaskConfig("a", List.of(1, 1)))
        .hasMessageContaining("twice");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MvkeModelConfig(null, null, null, null, null, null,
        null, null, null, "share", null, null)).hasMessageContaining("'share'");
  }

  /**
   * Consecutive steps of the public {@link TrainStep} on logged rows (shown, clicked or not): both
   * tasks' BCE through the shared kernels, logged per task; both decrease.
   */
  @Test
  void training_loggedRowsTwoTasks_bothTaskLossesDecrease() {
    Split split = Fixtures.impressions(7);
    int batch = 64;
    int epochs = 15;
    try (NDManager manager = NDManager.newBaseManager()) {
      MvkeModel model = new MvkeModel(Fixtures.config(false, 0.1), "$.model");
      TestParams params = new TestParams(manager, 1);
      model.initialize(params.model(split));
      MvkeLoss loss = new MvkeLoss(new MvkeLossConfig(List.of(new MvkeLossTaskConfig("a", "click", null, null),
          new MvkeLossTaskConfig("b", "like", null, null)), null));
      TrainStep step = TrainStep.builder(model, split).setLoss(loss).optRows(TrainingRows.LOGGED).build();
      AdamW adam = new AdamW(params.all(), manager, 0.01, 0, 0);
      double[] first = new double[2];
      double[] last = new double[2];
      long s = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        double[] sum = new double[2];
        int count = 0;
        for (int start = 0; start + batch <= step.size(); start += batch) {
          int[] rows = new int[batch];
          for (int i = 0; i < batch; i++) {
            rows[i] = start + i;
          }
          TrainStep.Result r = step.run(rows, epoch, s, new SplittableRandom(s), new SplittableRandom(s), manager);
          s++;
          assertThat(r.loss()).isFinite();
          assertThat(r.metrics()).containsKeys("mvke-bce-a", "mvke-bce-b", "mvke-gate-entropy-a");
          sum[0] += r.metrics().get("mvke-bce-a");
          sum[1] += r.metrics().get("mvke-bce-b");
          count++;
          adam.step();
        }
        for (int t = 0; t < 2; t++) {
          if (epoch == 0) {
            first[t] = sum[t] / count;
          }
          last[t] = sum[t] / count;
        }
      }
      assertThat(last[0]).as("task a (click) loss, last vs first epoch").isLessThan(first[0] * 0.9);
      assertThat(last[1]).as("task b (like) loss, last vs first epoch").isLessThan(first[1] * 0.9);
    }
  }
}
