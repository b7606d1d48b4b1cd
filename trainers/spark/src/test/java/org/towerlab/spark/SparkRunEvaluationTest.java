package org.towerlab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Split;
import org.towerlab.evaluators.TopKEvaluator;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;

/**
 * The corpus job with the embeddings computed on the executors from a run's checkpoint, against
 * the same job on the embeddings the run exported and against the run's own {@code topk} evaluator
 * ({@code metrics.json}, {@code per-query-test.csv.gz}), on a tiny two-tower run trained here.
 */
class SparkRunEvaluationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      name: run-eval
      seed: 3
      data: {type: simulator, n-users: 150, n-items: 70, interactions-per-user: 10, seed: 2}
      model: {type: two-tower, query-tower: {type: mlp, embedding-dim: 8, hidden: [8], output-dim: 8},
              item-tower: {type: mlp, embedding-dim: 8, hidden: [8], output-dim: 8}, interaction: {type: dot}}
      trainer: {type: plain, epochs: 2, batch-size: 128, monitor: recall@10}
      evaluators:
        - {type: topk, ks: [5, 10, 20], query-block: 16, item-block: 32}
      """;
  @TempDir static Path dir;
  private static Registry registry;
  private static SparkSession spark;
  private static Path runDir;

  @BeforeAll
  static void trainRun() throws IOException {
    registry = Executors.registry();
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(cfg, CONFIG);
    List<LoadedRun> runs = new ConfigLoader(registry).loadRuns(cfg, List.of(), Map.of());
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    new ExperimentRunner(registry, quiet).run(runs, dir.resolve("runs"), false);
    try (Stream<Path> s = Files.list(dir.resolve("runs").resolve("run-eval"))) {
      runDir = s.filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).findFirst().orElseThrow();
    }
    spark = Sessions.get("local[2]", "SparkRunEvaluationTest", Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static SparkCorpusEvaluation.Options options(int partitions) {
    return new SparkCorpusEvaluation.Options(List.of("recall", "ndcg", "hit", "precision", "mrr"),
        new int[] {5, 10, 20}, 16, 32, true, false, partitions, true);
  }

  @Test
  void evaluateRun_twoTowerCheckpoint_equalsTheRunsEvaluatorAndTheExportedEmbeddings() throws IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Split split = Executors.trainedRun(runDir.toString()).split();
    int ni = split.dataset().numItems();
    int[] counts = TopKEvaluator.trainCounts(split, ni);
    SparkCorpusEvaluation.Result computed = SparkCorpusEvaluation.evaluateRun(jsc, runDir.toString(),
        jsc.parallelize(SparkCorpusEvaluation.rows(split, "test"), 3), counts, options(3));

    // the run's own evaluator: its means and every query's values
    JsonNode metrics = JSON.readTree(runDir.resolve("metrics.json").toFile());
    assertThat(computed.metrics().keySet()).allSatisfy(k -> assertThat(metrics.has("test/" + k)).as(k).isTrue());
    computed.metrics().forEach((k, v) -> assertThat(v).as(k).isCloseTo(metrics.get("test/" + k).asDouble(),
        within(1e-9)));
    Map<Long, Map<String, Double>> perQuery = perQueryFile(runDir);
    assertThat(computed.perQuery()).hasSize(perQuery.size());
    for (SparkCorpusEvaluation.QueryResult r : computed.perQuery()) {
      for (int j = 0; j < computed.keys().size(); j++) {
        String key = computed.keys().get(j);
        assertThat(r.values()[j]).as(key + " of query " + r.query())
            .isCloseTo(perQuery.get(r.query()).get(key), within(1e-12));
      }
    }
    assertThat(computed.metrics().get("recall@20")).isGreaterThan(0.0);

    // the same job on the exported embeddings
    JsonNode emb = JSON.readTree(runDir.resolve("embeddings/embeddings.json").toFile());
    int dim = emb.path("items").path("dim").asInt();
    float[] items = floats(runDir.resolve("embeddings/items.f32"));
    float[] queries = floats(runDir.resolve("embeddings/queries.f32"));
    SparkCorpusEvaluation.Result exported = SparkCorpusEvaluation.evaluate(jsc, items, dim,
        jsc.parallelize(SparkCorpusEvaluation.rows(split, "test", queries, dim), 2), counts, options(2));
    assertThat(exported.queries()).isEqualTo(computed.queries());
    exported.metrics().forEach((k, v) -> assertThat(v).as(k).isCloseTo(computed.metrics().get(k), within(1e-6)));
    for (int r = 0; r < exported.perQuery().size(); r++) {
      assertThat(exported.perQuery().get(r).list()).as("query " + exported.perQuery().get(r).query())
          .containsExactly(computed.perQuery().get(r).list());
    }
  }

  @Test
  void evaluateCommand_computedAndExported_printTheRunsMetrics() {
    for (String from : List.of("computed", "exported")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = SparkGridTest.cliWith(out).execute("evaluate", runDir.toString(), "--spark", "local[2]",
          "--embeddings", from, "--partitions", "3");
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as(text).isZero();
      assertThat(text).contains("embeddings " + (from.equals("computed") ? "computed on the executors"
          : "exported by the run"));
      List<String> rows = text.lines().filter(l -> l.startsWith("| recall@") || l.startsWith("| ndcg@")
          || l.startsWith("| coverage@")).toList();
      assertThat(rows).as(text).hasSize(9);
      for (String row : rows) {
        String[] cells = row.split("\\|");
        assertThat(Double.parseDouble(cells[2].trim())).as(row).isCloseTo(Double.parseDouble(cells[3].trim()),
            within(1.5e-6));
      }
    }
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }

  @Test
  void evaluateRun_dnnInteraction_refusedNamingTheInteraction() throws IOException {
    Path cfg = dir.resolve("dnn.yaml");
    Files.writeString(cfg, CONFIG.replace("interaction: {type: dot}", "interaction: {type: dnn, hidden: [8]}"));
    LoadedRun run = new ConfigLoader(registry).loadRuns(cfg, List.of(), Map.of()).get(0);
    Path fake = dir.resolve("dnn-run");
    Files.createDirectories(fake);
    Files.writeString(fake.resolve("effective-config.yaml"), registry.toYaml(run.effective()));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    assertThatThrownBy(() -> SparkCorpusEvaluation.evaluateRun(jsc, fake.toString(), jsc.emptyRDD(), null,
        options(2)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("'dnn' interaction")
        .hasMessageContaining("not precomputable");
  }

  private static float[] floats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static Map<Long, Map<String, Double>> perQueryFile(Path run) throws IOException {
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(run.resolve("per-query-test.csv.gz")))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] lines = text.split("\n");
    String[] header = lines[0].trim().split(",");
    Map<Long, Map<String, Double>> out = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].trim().split(",");
      Map<String, Double> row = new HashMap<>();
      for (int c = 1; c < header.length; c++) {
        row.put(header[c], Double.parseDouble(cells[c]));
      }
      out.put(Long.parseLong(cells[0]), row);
    }
    return out;
  }
}
