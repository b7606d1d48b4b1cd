package org.towerlab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code towerlab run CONFIG --spark local[2]} with a {@code tune:} section: the trials run as
 * Spark tasks, validation only, and the search chooses what the local search chooses; the chosen
 * runs then run as tasks with the local run's metrics.
 */
class SparkTuneTest {
  private static final String CONFIG = """
      name: spark-tune
      seed: 1
      data: {type: simulator, n-users: 120, n-items: 60, interactions-per-user: 10, seed: 3}
      model: {type: two-tower, query-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8},
              item-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8}, interaction: {type: dot}}
      trainer: {type: plain, epochs: 2, batch-size: 128, monitor: recall@10}
      evaluators:
        - {type: topk, ks: [5, 10]}
      grid:
        seed: [1, 2]
      tune:
        search: grid
        metric: recall@10
        space:
          trainer.learning-rate: [0.002, 0.05]
      """;
  @TempDir static Path dir;
  private static Path local;
  private static Path spark;
  private static String sparkOut;

  @BeforeAll
  static void runBoth() throws IOException {
    Path config = dir.resolve("tune.yaml");
    Files.writeString(config, CONFIG);
    local = dir.resolve("local");
    spark = dir.resolve("spark");
    ByteArrayOutputStream localOut = new ByteArrayOutputStream();
    int localCode = SparkGridTest.cliWith(localOut).execute("run", config.toString(), "--out", local.toString());
    assertThat(localCode).as(localOut.toString(StandardCharsets.UTF_8)).isZero();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = SparkGridTest.cliWith(out).execute("run", config.toString(), "--out", spark.toString(), "--spark",
        "local[2]");
    sparkOut = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(sparkOut).isZero();
  }

  @Test
  void run_tuneOnLocal2_trialsAreTasksAndTheSearchEqualsTheLocalOne() throws IOException {
    assertThat(sparkOut).contains("== spark: 2 tuning trial(s) as tasks on local[2]")
        .contains("== spark: 2 run(s) as tasks on local[2]");
    Path sparkCsv = find(spark, "tune.csv");
    assertThat(Files.readString(sparkCsv)).isEqualTo(Files.readString(find(local, "tune.csv")));
    assertThat(Files.readString(sparkCsv)).contains("true"); // a chosen trial
  }

  @Test
  void run_tuneOnLocal2_trialsHaveNoTestMetricsAndEqualTheLocalTrials() throws IOException {
    Map<String, Path> trials = trials(spark);
    Map<String, Path> localTrials = trials(local);
    assertThat(trials).hasSize(2);
    assertThat(trials.keySet()).isEqualTo(localTrials.keySet());
    for (String id : trials.keySet()) {
      Map<String, Double> m = SparkGridTest.quality(trials.get(id).resolve("metrics.json"));
      assertThat(m).as(id).containsKey("valid/recall@10");
      assertThat(m.keySet()).as(id).noneMatch(k -> k.startsWith("test/"));
      assertThat(trials.get(id).resolve("per-query-test.csv.gz")).doesNotExist();
      assertThat(m).as(id).isEqualTo(SparkGridTest.quality(localTrials.get(id).resolve("metrics.json")));
    }
  }

  @Test
  void run_tuneOnLocal2_chosenRunsEqualTheLocalRuns() throws IOException {
    Map<String, Path> runs = finals(spark);
    Map<String, Path> localRuns = finals(local);
    assertThat(runs).hasSize(2);
    assertThat(runs.keySet()).isEqualTo(localRuns.keySet()); // same ids: same effective configs, chosen values
    for (String id : runs.keySet()) {
      assertThat(SparkGridTest.quality(runs.get(id).resolve("metrics.json"))).as(id).containsKey("test/recall@10")
          .isEqualTo(SparkGridTest.quality(localRuns.get(id).resolve("metrics.json")));
    }
  }

  private static Path find(Path root, String name) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
    }
  }

  /** Trial runs: run directories tagged {@code towerlab.tune = trial} (tags.json). */
  private static Map<String, Path> trials(Path root) throws IOException {
    Map<String, Path> all = SparkGridTest.children(root.resolve("spark-tune"));
    all.values().removeIf(p -> !isTrial(p));
    return all;
  }

  private static Map<String, Path> finals(Path root) throws IOException {
    Map<String, Path> all = SparkGridTest.children(root.resolve("spark-tune"));
    all.values().removeIf(SparkTuneTest::isTrial);
    return all;
  }

  private static boolean isTrial(Path run) {
    try {
      return java.util.regex.Pattern.compile("\"towerlab\\.tune\"\\s*:\\s*\"trial\"")
          .matcher(Files.readString(run.resolve("tags.json"))).find();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
