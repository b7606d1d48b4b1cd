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
import org.towerlab.api.config.SummaryConfig;

class GridSummaryTest {
  @TempDir Path dir;

  /** A run whose per-query recall@20 and ndcg@20 are {@code base[q] + shift}; its metrics.json means match. */
  private ExperimentRunner.RunOutcome run(String name, double[] base, double shift) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name.replaceAll("[^a-z0-9]+", "-")));
    StringBuilder csv = new StringBuilder("query,recall@20,ndcg@20\n");
    double sum = 0;
    for (int q = 0; q < base.length; q++) {
      csv.append(q).append(',').append(base[q] + shift).append(',').append(base[q] + shift).append('\n');
      sum += base[q] + shift;
    }
    Files.writeString(d.resolve("per-query-test.csv"), csv.toString());
    return new ExperimentRunner.RunOutcome(name, d.getFileName().toString(), d,
        Map.of("test/recall@20", sum / base.length, "test/ndcg@20", sum / base.length), null);
  }

  /** base (3 seeds), better = base + 0.1 + noise, same = base + small noise; 40 users, user effects per seed. */
  private List<ExperimentRunner.RunOutcome> grid() throws IOException {
    List<ExperimentRunner.RunOutcome> runs = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(3);
    for (int seed = 1; seed <= 3; seed++) {
      double[] base = new double[40];
      double[] noisy = new double[40];
      for (int q = 0; q < base.length; q++) {
        base[q] = rnd.nextDouble() * 0.5;
        noisy[q] = base[q] + 0.05 * (rnd.nextDouble() - 0.5);
      }
      runs.add(run("exp[variant=base,seed=" + seed + "]", base, 0));
      runs.add(run("exp[variant=better,seed=" + seed + "]", base, 0.1 + 0.01 * rnd.nextDouble()));
      runs.add(run("exp[variant=same,seed=" + seed + "]", noisy, 0));
    }
    return runs;
  }

  private static String row(String md, String prefix) {
    return md.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + "\n" + md));
  }

  @Test
  void of_metricsListed_tableHasThoseInOrderAndNotesTheMissingOne() throws IOException {
    GridSummary s = GridSummary.of(grid(), new SummaryConfig(null, 500, 1L, null, List.of("ndcg@20", "auc", "recall@20")));
    String md = s.markdown();
    assertThat(md).contains("| method | seeds | ndcg@20 | recall@20 |");
    assertThat(md).contains("summary.metrics names 'auc', which not every run reports");
    assertThat(md).contains("over all 4 method x metric comparisons");
  }

  @Test
  void markdown_betterMethod_markedWithCrossedIntervalAndSeedLevelTest() throws IOException {
    List<ExperimentRunner.RunOutcome> runs = grid();
    assertThat(GridSummary.applies(runs)).isTrue();
    GridSummary s = GridSummary.of(runs);
    String md = s.markdown();

    assertThat(md).contains("| exp[variant=base] | 3 |").contains("| exp[variant=better] | 3 |");
    assertThat(row(md, "| exp[variant=better] | 3 |")).endsWith(" * |");
    assertThat(row(md, "| exp[variant=same] | 3 |")).doesNotContain("*");
    // method minus baseline on 3 seeds x 40 users; Holm over 2 methods x 2 metrics
    String better = row(md, "| exp[variant=better] | recall@20 |");
    assertThat(better).contains("| 3 x 40 |").contains("| +0.10");
    assertThat(md).contains("over all 4 method x metric comparisons");
    GridSummary.Comparison c = s.comparison("exp[variant=better]", "recall@20");
    assertThat(c.result().difference()).isBetween(0.1, 0.11);
    assertThat(c.result().lower()).isBetween(0.09, c.result().difference());
    assertThat(c.result().relative()).isGreaterThan(0.3); // baseline mean is about 0.25
    assertThat(c.result().seedLevel().n()).isEqualTo(3);
    assertThat(c.pHolm()).isLessThan(0.05).isGreaterThanOrEqualTo(c.result().pValue());
    assertThat(c.family()).isEqualTo(GridSummary.ALL);
    GridSummary.Comparison same = s.comparison("exp[variant=same]", "recall@20");
    assertThat(same.result().lower()).isLessThan(0);
    assertThat(same.result().upper()).isGreaterThan(0);
    assertThat(md).contains("**How to read this table.**").contains("2000 resamples");
  }

  @Test
  void of_primaryMetricDeclared_holmOverMethodsOnItOthersExploratory() throws IOException {
    GridSummary s = GridSummary.of(grid(), new SummaryConfig("ndcg@20", 500, 7L));
    String md = s.markdown();

    GridSummary.Comparison primary = s.comparison("exp[variant=better]", "ndcg@20");
    GridSummary.Comparison exploratory = s.comparison("exp[variant=better]", "recall@20");
    assertThat(primary.family()).isEqualTo(GridSummary.PRIMARY);
    assertThat(primary.pHolm()).isLessThan(0.05);
    assertThat(exploratory.family()).isEqualTo(GridSummary.EXPLORATORY);
    assertThat(exploratory.pHolm()).isNaN();
    assertThat(row(md, "| exp[variant=better] | recall@20 |")).contains("| exploratory |");
    assertThat(md).contains("primary metric **ndcg@20** (2 comparisons)").contains("500 resamples");
    // only the primary metric's cell is marked in the main table
    String better = row(md, "| exp[variant=better] | 3 |");
    assertThat(better.chars().filter(ch -> ch == '*').count()).isEqualTo(1);
  }

  @Test
  void of_primaryMetricNotReported_notedAndHolmOverAll() throws IOException {
    GridSummary s = GridSummary.of(grid(), new SummaryConfig("auc", null, null));
    assertThat(s.markdown()).startsWith("Note: summary.primary-metric 'auc' is not a test metric of every run")
        .contains("over all 4 method x metric comparisons");
  }

  @Test
  void of_sameSeedSameSummary_deterministic() throws IOException {
    List<ExperimentRunner.RunOutcome> runs = grid();
    assertThat(GridSummary.of(runs).csv()).isEqualTo(GridSummary.of(runs).csv());
  }

  @Test
  void csv_comparisonColumnsFilledForMethodsOnly() throws IOException {
    String csv = GridSummary.of(grid()).csv();
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).startsWith("method,metric,seeds,mean,std,ci95_low,ci95_high,family,users,")
        .endsWith(",seed_t,seed_df,seed_p,seed_p_holm,resamples");
    int columns = lines.get(0).split(",", -1).length;
    for (String l : lines) {
      assertThat(l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1)).as(l).hasSize(columns);
    }
    // the CSV library quotes a field only when it needs it: these method names have no comma
    assertThat(lines.stream().filter(l -> l.startsWith("exp[variant=base],")))
        .allSatisfy(l -> assertThat(l).endsWith(",,,"));
    assertThat(lines.stream().filter(l -> l.startsWith("exp[variant=better],recall@20")).findFirst().orElseThrow())
        .contains(",all,40,0,").endsWith(",2000");
  }

  @Test
  void applies_singleSeedPerMethod_false() throws IOException {
    List<ExperimentRunner.RunOutcome> runs = List.of(run("exp[model=a]", new double[] {0.1}, 0),
        run("exp[model=b]", new double[] {0.2}, 0));
    assertThat(GridSummary.applies(runs)).isFalse();
  }

  @Test
  void summaryConfig_readFromTheGridConfigFile() throws IOException {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, "name: x\nsummary: {primary-metric: recall@20, resamples: 300}\ngrid: {seed: [1, 2]}\n");
    SummaryConfig c = GridSummary.summaryConfig(f);
    assertThat(c.primaryMetric()).isEqualTo("recall@20");
    assertThat(c.resamples()).isEqualTo(300);
    assertThat(c.seed()).isEqualTo(1L);
    assertThat(GridSummary.summaryConfig(dir.resolve("missing.yaml"))).isEqualTo(SummaryConfig.DEFAULT);
  }
}
