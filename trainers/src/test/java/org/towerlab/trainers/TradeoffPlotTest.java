package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TradeoffPlotTest {

  private static ExperimentRunner.RunOutcome run(String name, double relevant, double recall) {
    return new ExperimentRunner.RunOutcome(name, name, Path.of("."), Map.of("test/semantic/relevant@10", relevant,
        "test/recall@10", recall, "test/semantic/relevant@20", relevant, "test/recall@20", recall), null);
  }

  @Test
  void method_seedLabelRemoved() {
    assertThat(TradeoffPlot.method("x[a=1,seed=2]")).isEqualTo("x[a=1]");
    assertThat(TradeoffPlot.method("x[seed=2,a=1]")).isEqualTo("x[a=1]");
    assertThat(TradeoffPlot.method("x[seed=2]")).isEqualTo("x");
    assertThat(TradeoffPlot.method("x")).isEqualTo("x");
  }

  @Test
  void write_twoMethodsOverSeeds_onePngAtTwenty(@TempDir Path dir) {
    Path png = TradeoffPlot.write(List.of(run("x[b=0,seed=1]", 0.5, 0.2), run("x[b=0,seed=2]", 0.6, 0.3),
        run("x[b=1,seed=1]", 0.7, 0.1)), dir, "x");

    assertThat(png).isEqualTo(dir.resolve("plots").resolve("tradeoff-at-20.png"));
    assertThat(Files.exists(png)).isTrue();
  }

  @Test
  void write_oneMethodOrNoRelevanceMetric_noPlot(@TempDir Path dir) {
    assertThat(TradeoffPlot.write(List.of(run("x[seed=1]", 0.5, 0.2), run("x[seed=2]", 0.6, 0.3)), dir, "x"))
        .isNull();
    ExperimentRunner.RunOutcome plain = new ExperimentRunner.RunOutcome("y", "y", dir, Map.of("test/recall@20", 0.1),
        null);
    assertThat(TradeoffPlot.write(List.of(plain, plain), dir, "y")).isNull();
    assertThat(TradeoffPlot.cutoff(List.of(plain))).isNull();
  }
}
