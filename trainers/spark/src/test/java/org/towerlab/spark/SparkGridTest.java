package org.towerlab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.cli.Towerlab;
import org.towerlab.registry.Registry;

/**
 * {@code towerlab run CONFIG --spark local[2]}: a 4-child grid (2 models x 2 seeds on the
 * simulator) run as Spark tasks writes the same run directories, with the same metrics, as the
 * local run; a task that fails once is retried by Spark and resumes without duplicating metrics.
 */
class SparkGridTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String GRID = """
      name: spark-grid
      seed: 1
      data: {type: simulator, n-users: 120, n-items: 60, interactions-per-user: 10, seed: 3}
      trainer: {type: plain, epochs: 2, batch-size: 128, monitor: recall@10}
      evaluators:
        - {type: topk, ks: [5, 10]}
      grid:
        seed: [1, 2]
        model:
          - {type: most-popular}
          - {type: two-tower, query-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8},
             item-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8}, interaction: {type: dot}}
      """;

  @TempDir static Path dir;
  private static Registry registry;
  private static Path config;
  private static Path local;
  private static Path spark;
  private static String sparkOut;

  @BeforeAll
  static void runBoth() throws IOException {
    registry = Executors.registry();
    config = dir.resolve("grid.yaml");
    Files.writeString(config, GRID);
    local = dir.resolve("local");
    spark = dir.resolve("spark");
    assertThat(cli(new ByteArrayOutputStream()).execute("run", config.toString(), "--out", local.toString())).isZero();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = cli(out).execute("run", config.toString(), "--out", spark.toString(), "--spark", "local[2]");
    sparkOut = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(sparkOut).isZero();
  }

  /** The CLI with the real registry (every module, this one's parquet source and given protocol). */
  static Towerlab cliWith(ByteArrayOutputStream out) {
    if (registry == null) {
      registry = Executors.registry();
    }
    return cli(out);
  }

  static Towerlab cli(ByteArrayOutputStream out) {
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return new Towerlab(() -> registry, Map.of(), ps, ps);
  }

  private static String gunzip(Path gz) throws IOException {
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void run_gridOnLocal2_childMetricsEqualTheLocalRun() throws IOException {
    Map<String, Path> byLocal = children(local.resolve("spark-grid"));
    Map<String, Path> bySpark = children(spark.resolve("spark-grid"));
    assertThat(bySpark.keySet()).hasSize(4).isEqualTo(byLocal.keySet());
    for (String id : byLocal.keySet()) {
      Map<String, Double> a = quality(byLocal.get(id).resolve("metrics.json"));
      Map<String, Double> b = quality(bySpark.get(id).resolve("metrics.json"));
      assertThat(b).as(id).containsKey("test/recall@10").isEqualTo(a);
      assertThat(gunzip(bySpark.get(id).resolve("per-query-test.csv.gz")))
          .isEqualTo(gunzip(byLocal.get(id).resolve("per-query-test.csv.gz")));
    }
    assertThat(sparkOut).contains("== spark: 4 run(s) as tasks on local[2]");
  }

  @Test
  void run_gridOnLocal2_parentHasLeaderboardSummaryAndChildLinks() throws IOException {
    Path parent = parentDir(spark.resolve("spark-grid"));
    Path localParent = parentDir(local.resolve("spark-grid"));
    assertThat(parent.getFileName()).isEqualTo(localParent.getFileName());
    assertThat(parent.resolve("leaderboard.csv")).exists();
    assertThat(parent.resolve("summary.md")).exists();
    assertThat(column(parent.resolve("leaderboard.csv"), "test/recall@10"))
        .isEqualTo(column(localParent.resolve("leaderboard.csv"), "test/recall@10"));
    String parentId = JSON.readTree(parent.resolve("run.json").toFile()).path("runId").asText();
    for (Path child : children(spark.resolve("spark-grid")).values()) {
      JsonNode run = JSON.readTree(child.resolve("run.json").toFile());
      assertThat(run.path("parentRunId").asText()).isEqualTo(parentId);
      assertThat(run.path("status").asText()).isEqualTo("FINISHED");
    }
    assertThat(JSON.readTree(parent.resolve("run.json").toFile()).path("status").asText()).isEqualTo("FINISHED");
  }

  @Test
  void run_taskFailsOnce_sparkRetriesAndTheResumedRunHasNoDuplicatePoints() throws IOException {
    String flaky = """
        name: spark-flaky
        seed: 1
        data: {type: simulator, n-users: 120, n-items: 60, interactions-per-user: 10, seed: 3}
        model: {type: two-tower, query-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8},
                item-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8}, interaction: {type: dot}}
        trainer: {type: plain, epochs: 3, batch-size: 128, monitor: recall@10}
        evaluators:
          - {type: topk, ks: [5, 10]}
          - {type: flaky}
        grid:
          seed: [1]
        """;
    Path cfg = dir.resolve("flaky.yaml");
    Files.writeString(cfg, flaky);
    Path a = dir.resolve("flaky-local");
    Path b = dir.resolve("flaky-spark");
    assertThat(cli(new ByteArrayOutputStream()).execute("run", cfg.toString(), "--out", a.toString())).isZero();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // local[N,F]: local mode retries a task F - 1 times (spark.task.maxFailures does not apply to it)
    int code = cli(out).execute("run", cfg.toString(), "--out", b.toString(), "--spark", "local[2,2]");
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();

    Path child = children(b.resolve("spark-flaky")).values().iterator().next();
    Path localChild = children(a.resolve("spark-flaky")).values().iterator().next();
    assertThat(child.getFileName()).isEqualTo(localChild.getFileName()); // resumed in place, no "-2" sibling
    assertThat(quality(child.resolve("metrics.json"))).isEqualTo(quality(localChild.resolve("metrics.json")));
    List<String> history = Files.readAllLines(child.resolve("metrics-history.jsonl"));
    Set<String> keys = new HashSet<>();
    for (String line : history) {
      JsonNode p = JSON.readTree(line);
      assertThat(keys.add(p.path("key").asText() + "@" + p.path("step").asLong())).as(line).isTrue();
    }
    assertThat(history).hasSameSizeAs(Files.readAllLines(localChild.resolve("metrics-history.jsonl")));
  }

  /** Child run directories (those with metrics.json and no leaderboard of a grid) by name. */
  static Map<String, Path> children(Path expDir) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(expDir)) {
      s.filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).forEach(p -> out.put(p.getFileName().toString(), p));
    }
    return out;
  }

  static Path parentDir(Path expDir) throws IOException {
    try (Stream<Path> s = Files.list(expDir)) {
      return s.filter(p -> !Files.exists(p.resolve("metrics.json"))).findFirst().orElseThrow(); // the grid's parent
    }
  }

  /** metrics.json without the wall-clock metrics (training seconds, throughput, measured scoring times). */
  static Map<String, Double> quality(Path metricsJson) throws IOException {
    Map<String, Double> out = new TreeMap<>();
    JSON.readTree(metricsJson.toFile()).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    out.keySet().removeIf(k -> k.endsWith("seconds") || k.endsWith("per-second") || k.startsWith("cost/us-")
        || (k.startsWith("cost/") && k.contains("/us-")));
    return out;
  }

  private static List<String> column(Path csv, String name) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    int col = List.of(lines.get(0).split(",")).indexOf(name);
    assertThat(col).as(lines.get(0)).isNotNegative();
    return lines.stream().skip(1).map(l -> l.split(",")[col]).toList();
  }
}
