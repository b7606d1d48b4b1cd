package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridSummaryTest {
  @TempDir Path dir;

  /** A run whose per-query recall@20 is {@code base[q] + shift}; its metrics.json mean matches. */
  private ExperimentRunner.RunOutcome run(String name, double[] base, double shift) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name.replaceAll("[^a-z0-9]+", "-")));
    StringBuilder csv = new StringBuilder("query,recall@20\n");
    double sum = 0;
    for (int q = 0; q < base.length; q++) {
      csv.append(q).append(',').append(base[q] + shift).append('\n');
      sum += base[q] + shift;
    }
    Files.writeString(d.resolve("per-query-test.csv"), csv.toString());
    return new ExperimentRunner.RunOutcome(name, d.getFileName().toString(), d,
        Map.of("test/recall@20", sum / base.length), null);
  }

  @Test
  void summary_betterMethod_positiveDifferenceMarkedSignificant() throws IOException {
    List<ExperimentRunner.RunOutcome> runs = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(3);
    for (int seed = 1; seed <= 3; seed++) {
      double[] base = new double[40];
      for (int q = 0; q < base.length; q++) {
        base[q] = rnd.nextDouble() * 0.5;
      }
      runs.add(run("exp[variant=base,seed=" + seed + "]", base, 0));
      runs.add(run("exp[variant=better,seed=" + seed + "]", base, 0.1 + 0.01 * rnd.nextDouble()));
      runs.add(run("exp[variant=same,seed=" + seed + "]", base, 0));
    }
    assertThat(GridSummary.applies(runs)).isTrue();
    GridSummary s = GridSummary.of(runs);
    String md = s.markdown();
    assertThat(md).contains("| exp[variant=base] | 3 |").contains("| exp[variant=better] | 3 |");
    String betterRow = md.lines().filter(l -> l.startsWith("| exp[variant=better] | 3 |")).findFirst().orElseThrow();
    assertThat(betterRow).endsWith(" * |");
    String sameRow = md.lines().filter(l -> l.startsWith("| exp[variant=same] | 3 |")).findFirst().orElseThrow();
    assertThat(sameRow).doesNotContain("*");
    String diff = md.lines().filter(l -> l.startsWith("| exp[variant=better] | recall@20 |")).findFirst().orElseThrow();
    assertThat(diff).contains("| +0.1").contains("| 120 |"); // method minus baseline, 40 queries x 3 seeds
  }

  @Test
  void applies_singleSeedPerMethod_false() throws IOException {
    List<ExperimentRunner.RunOutcome> runs = List.of(run("exp[model=a]", new double[] {0.1}, 0),
        run("exp[model=b]", new double[] {0.2}, 0));
    assertThat(GridSummary.applies(runs)).isFalse();
  }
}
