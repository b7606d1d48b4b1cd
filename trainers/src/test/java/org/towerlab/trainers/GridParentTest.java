package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.train.TrainResult;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;

class GridParentTest {
  @TempDir
  Path dir;

  private static RunOutcome run(String name, double recall) {
    return new RunOutcome(name, name, Path.of(name), Map.of("test/recall@10", recall, "test/recall@20", recall + 0.1,
        "valid/recall@10", 0.9), new TrainResult(1, 1, 0, Map.of()));
  }

  @Test
  void metrics_twoMethodsTwoSeeds_meanStdAndStudentInterval() {
    Map<String, Double> m = GridParent.metrics(List.of(run("g[variant=pop,seed=1]", 0.1),
        run("g[variant=pop,seed=2]", 0.2), run("g[variant=tt,seed=1]", 0.3), run("g[variant=tt,seed=2]", 0.5)));
    assertThat(m.get("tt/test/recall@10/mean")).isCloseTo(0.4, within(1e-12));
    assertThat(m.get("tt/test/recall@10/std")).isCloseTo(Math.sqrt(0.02), within(1e-12));
    // t(0.975, 1) = 12.7062: mean +- t * std / sqrt(2)
    assertThat(m.get("tt/test/recall@10/ci95-high")).isCloseTo(0.4 + 12.7062 * 0.1, within(1e-3));
    assertThat(m.get("pop/test/recall@20/seeds")).isEqualTo(2.0);
    assertThat(m).doesNotContainKey("tt/valid/recall@10/mean");
  }

  @Test
  void recallPlot_methodsWithSeeds_writesOnePng() {
    Path png = GridParent.recallPlot(dir, "g", List.of(run("g[variant=pop,seed=1]", 0.1),
        run("g[variant=pop,seed=2]", 0.2), run("g[variant=tt,seed=1]", 0.3)));
    assertThat(png).isNotEmptyFile().hasFileName("recall-at-k.png");
  }
}
