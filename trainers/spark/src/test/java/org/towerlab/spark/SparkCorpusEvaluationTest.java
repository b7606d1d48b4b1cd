package org.towerlab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.random.Seeds;
import org.towerlab.evaluators.TopKEvaluator;
import org.towerlab.evaluators.TopKEvaluatorConfig;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.trainers.Evaluations;

/**
 * The Spark corpus evaluation against the single-machine {@code topk} evaluator on the simulator's
 * test part: the same scorer, the same rankings and per-query metrics exactly, the same means to
 * within summation order. The embeddings take values in {-1, 0, 1}, so many scores tie and the
 * tie rule (lower item id first) is exercised; queries are cut into 3 partitions of whole blocks.
 */
class SparkCorpusEvaluationTest {
  private static final int DIM = 4;
  @TempDir static Path dir;
  private static SparkSession spark;
  private static Split split;

  @BeforeAll
  static void setUp() throws Exception {
    Registry registry = Executors.registry();
    Path cfg = dir.resolve("sim.yaml");
    Files.writeString(cfg, """
        name: eval
        seed: 5
        data: {type: simulator, n-users: 200, n-items: 90, interactions-per-user: 12, seed: 4}
        model: {type: most-popular}
        """);
    ExperimentConfig c = new ConfigLoader(registry).loadRuns(cfg, List.of(), Map.of()).get(0).config();
    Seeds seeds = new Seeds(c.seed());
    DataSource source = registry.build(Kind.DATA, c.data(), "$.data", seeds, DataSource.class);
    Protocol protocol = registry.build(Kind.PROTOCOL, c.data().protocol(), "$.data.protocol", seeds, Protocol.class);
    split = protocol.split(source.load(), seeds);
    spark = Sessions.get("local[2]", "SparkCorpusEvaluationTest", Map.of());
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static float[] ternary(int n, String stream) {
    SplittableRandom rng = new Seeds(9).stream(stream);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextInt(3) - 1;
    }
    return v;
  }

  @Test
  void queryProgress_tasksAddToTheAccumulator_countsEveryQueryOnceAndPrintsTheTotal() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    org.apache.spark.util.LongAccumulator ranked = jsc.sc().longAccumulator("towerlab.queries-ranked");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    QueryProgress progress = new QueryProgress(ranked.id(), 1000, new java.io.PrintStream(bytes, true), 0);
    jsc.sc().addSparkListener(progress);
    try {
      jsc.parallelize(java.util.stream.IntStream.range(0, 1000).boxed().toList(), 4).foreachPartition(it -> {
        long c = 0;
        while (it.hasNext()) {
          it.next();
          c++;
        }
        ranked.add(c);
      });
      jsc.sc().listenerBus().waitUntilEmpty();
    } finally {
      jsc.sc().removeSparkListener(progress);
    }

    assertThat(progress.done()).isEqualTo(1000);
    String[] lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
    assertThat(lines[lines.length - 1]).startsWith("corpus evaluation: 1,000 / 1,000 queries ranked (100.0%), ");
    assertThat(progress.line(250, 60_000_000_000L)).isEqualTo(
        "corpus evaluation: 250 / 1,000 queries ranked (25.0%), 1m 00s, about 3m 00s left");
  }

  @Test
  void evaluate_simulatorTestPart_sameListsAndMetricsAsTopKEvaluator() {
    int nq = split.dataset().numQueries();
    int ni = split.dataset().numItems();
    float[] queries = ternary(nq * DIM, "queries");
    float[] items = ternary(ni * DIM, "items");
    TopKEvaluatorConfig config = new TopKEvaluatorConfig(List.of(5, 10, 20), null, 16, 32, null, true, null, null,
        null, null);
    Evaluations.Result local;
    try (NDManager m = NDManager.newBaseManager(); EmbeddingScorer scorer = new EmbeddingScorer(items, queries, DIM,
        false, m)) {
      local = Evaluations.evaluate(List.<Evaluator>of(new TopKEvaluator(config)), split, "test", scorer, m);
    }

    SparkCorpusEvaluation.Options o = new SparkCorpusEvaluation.Options(config.metrics(),
        config.ks().stream().mapToInt(Integer::intValue).toArray(), 16, 32, true, false, 3, true);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SparkCorpusEvaluation.Result dist = SparkCorpusEvaluation.evaluate(jsc, items, DIM,
        jsc.parallelize(SparkCorpusEvaluation.rows(split, "test", queries, DIM), 4),
        TopKEvaluator.trainCounts(split, ni), o);

    assertThat(dist.queries()).isEqualTo(local.queries().length);
    assertThat(dist.perQuery().stream().mapToLong(SparkCorpusEvaluation.QueryResult::query).toArray())
        .containsExactly(local.queries());
    for (int j = 0; j < dist.keys().size(); j++) {
      String key = dist.keys().get(j);
      double[] expected = local.perQuery().get(key);
      assertThat(expected).as(key).isNotNull();
      for (int r = 0; r < expected.length; r++) {
        assertThat(dist.perQuery().get(r).values()[j]).as(key + " of query " + local.queries()[r])
            .isEqualTo(expected[r]);
      }
    }
    assertThat(dist.metrics().keySet()).containsExactlyInAnyOrderElementsOf(local.metrics().keySet().stream()
        .map(k -> k.substring("test/".length())).toList());
    dist.metrics().forEach((k, v) -> assertThat(v).as(k).isCloseTo(local.metrics().get("test/" + k), within(1e-12)));
    assertThat(dist.metrics().get("recall@20")).isGreaterThan(0.0);
  }

  @Test
  void evaluate_tiedScores_listsFollowScoreThenLowerItemId() {
    int nq = split.dataset().numQueries();
    int ni = split.dataset().numItems();
    float[] queries = ternary(nq * DIM, "queries");
    float[] items = ternary(ni * DIM, "items");
    SparkCorpusEvaluation.Options o = new SparkCorpusEvaluation.Options(List.of("recall"), new int[] {20}, 8, 0,
        false, false, 2, true);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<SparkCorpusEvaluation.QueryRow> rows = SparkCorpusEvaluation.rows(split, "test", queries, DIM);
    SparkCorpusEvaluation.Result dist = SparkCorpusEvaluation.evaluate(jsc, items, DIM, jsc.parallelize(rows, 3), null, o);

    int ties = 0;
    for (SparkCorpusEvaluation.QueryResult r : dist.perQuery()) {
      SparkCorpusEvaluation.QueryRow row = rows.get((int) r.query());
      // the expected list by brute force: every unseen item by (score desc, id asc), first 20
      List<Integer> expected = java.util.stream.IntStream.range(0, ni).boxed()
          .filter(i -> java.util.Arrays.binarySearch(row.seen(), i) < 0)
          .sorted((a, b) -> {
            int c = Float.compare(dot(row.vector(), items, b), dot(row.vector(), items, a));
            return c != 0 ? c : Integer.compare(a, b);
          }).limit(20).toList();
      assertThat(r.list()).as("query " + r.query()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
      for (int j = 1; j < r.list().length; j++) {
        ties += dot(row.vector(), items, r.list()[j]) == dot(row.vector(), items, r.list()[j - 1]) ? 1 : 0;
      }
    }
    assertThat(ties).as("tied neighbours in the lists").isGreaterThan(100);
  }

  private static float dot(float[] q, float[] items, int item) {
    float s = 0;
    for (int j = 0; j < DIM; j++) {
      s += q[j] * items[item * DIM + j];
    }
    return s;
  }
}
