package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Split;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;
import org.towerlab.tracking.provenance.Provenance;

/** One grid run (most-popular and two-tower on the simulator) shared by the output checks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentRunnerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GRID = Harness.SIMULATOR.replace("trainer: {type: plain, epochs: 3,",
      "trainer: {type: plain, epochs: 4,") + """
      grid:
        model:
          - {type: most-popular}
          - {type: two-tower,
             query-tower: {type: mlp, embedding-dim: 16, hidden: [32], output-dim: 16},
             item-tower: {type: mlp, embedding-dim: 16, hidden: [32], output-dim: 16},
             interaction: {type: cosine, temperature: 0.1}}
      """;

  @TempDir static Path tmp;
  private List<LoadedRun> runs;
  private List<RunOutcome> outcomes;
  private String console;
  private int arraysBefore;
  private int arraysAfter;

  private static int systemArrays() {
    try (NDManager probe = NDManager.newBaseManager()) {
      return Harness.liveArrays(probe.getParentManager());
    }
  }

  @BeforeAll
  void runGrid() {
    runs = Harness.load(tmp.resolve("cfg"), GRID);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    arraysBefore = systemArrays();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      outcomes = new ExperimentRunner(Harness.REGISTRY, ps).runAll(runs, tmp.resolve("out"), false);
    }
    arraysAfter = systemArrays();
    console = out.toString(StandardCharsets.UTF_8);
  }

  private RunOutcome outcome(String model) {
    return outcomes.stream().filter(o -> o.name().contains(model)).findFirst().orElseThrow();
  }

  @Test
  void runAll_grid_oneOutcomePerChildWithTestRecall() throws IOException {
    assertThat(runs).hasSize(2);
    assertThat(outcomes).hasSize(2);
    for (RunOutcome o : outcomes) {
      JsonNode metrics = JSON.readTree(o.dir().resolve("metrics.json").toFile());
      assertThat(metrics.has("test/recall@20")).as(o.name()).isTrue();
      assertThat(metrics.get("test/recall@20").asDouble()).isEqualTo(o.metrics().get("test/recall@20"));
    }
  }

  @Test
  void runAll_perQueryCsv_oneRowPerEvaluatedQuery() throws IOException {
    Split split = Harness.split(runs.get(0));
    long testQueries = Arrays.stream(split.test().queries()).distinct().count();
    for (RunOutcome o : outcomes) {
      List<String> lines = Files.readAllLines(o.dir().resolve("per-query-test.csv"));
      assertThat(lines.get(0)).startsWith("query,").contains("recall@20");
      assertThat(lines).hasSize((int) testQueries + 1);
      assertThat(lines.stream().skip(1).map(l -> l.split(",")[0]).distinct().count()).isEqualTo(testQueries);
    }
  }

  @Test
  void runAll_grid_leaderboardInParentDirWithOneRowPerRun() throws IOException {
    Path parent = outcomes.get(0).dir().getParent();
    Path gridDir;
    try (var dirs = Files.list(parent)) {
      gridDir = dirs.filter(d -> d.getFileName().toString().contains("-grid-")).findFirst().orElseThrow();
    }
    List<String> lines = Files.readAllLines(gridDir.resolve("leaderboard.csv"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("run,run_id,").contains("test/recall@20").endsWith("train/best-epoch");
    assertThat(lines.get(1)).contains("most-popular");
    assertThat(lines.get(2)).contains("two-tower");
    assertThat(gridDir.resolve("leaderboard.md")).exists();
    assertThat(gridDir.resolve("plots/recall-at-k.png")).exists();
  }

  @Test
  void runAll_twoTower_embeddingsHaveRowsTimesDimFloats() throws IOException {
    Path emb = outcome("two-tower").dir().resolve("embeddings");
    JsonNode meta = JSON.readTree(emb.resolve("embeddings.json").toFile());
    long rows = meta.get("items").get("rows").asLong();
    long dim = meta.get("items").get("dim").asLong();
    assertThat(rows).isEqualTo(200);
    assertThat(dim).isEqualTo(16);
    assertThat(Files.size(emb.resolve("items.f32"))).isEqualTo(rows * dim * 4);
    assertThat(Files.size(emb.resolve("queries.f32"))).isEqualTo(300L * dim * 4);
    assertThat(outcome("most-popular").dir().resolve("embeddings")).doesNotExist();
  }

  @Test
  void runAll_provenanceWithSeeds() throws IOException {
    for (RunOutcome o : outcomes) {
      JsonNode prov = JSON.readTree(o.dir().resolve(Provenance.FILE).toFile());
      assertThat(prov.has("seeds")).isTrue();
      assertThat(prov.get("seeds").has("data.split")).as(prov.get("seeds").toString()).isTrue();
    }
    JsonNode twoTower = JSON.readTree(outcome("two-tower").dir().resolve(Provenance.FILE).toFile());
    assertThat(twoTower.get("seeds").has("data.shuffle")).as(twoTower.get("seeds").toString()).isTrue();
    assertThat(twoTower.get("seeds").has("sampler")).isTrue();
  }

  @Test
  void runAll_everyRun_writesItsSplitWithItsHashInProvenance() throws IOException {
    for (RunOutcome o : outcomes) {
      Path file = o.dir().resolve(SplitFile.FILE);
      assertThat(file).isRegularFile();
      JsonNode split = JSON.readTree(o.dir().resolve(Provenance.FILE).toFile()).get("split");
      assertThat(split.get("sha256").asText()).isEqualTo(sha256(file));
      assertThat(split.get("protocol").asText()).isEqualTo("per-user-ratio");
      assertThat(split.has("from")).isFalse();
    }
    // both children share the grid's one split: the same bytes
    assertThat(Files.readAllBytes(outcomes.get(1).dir().resolve(SplitFile.FILE)))
        .isEqualTo(Files.readAllBytes(outcomes.get(0).dir().resolve(SplitFile.FILE)));
  }

  @Test
  void runAll_splitFromEarlierRun_sameSplitAndIdenticalMetrics() throws IOException {
    RunOutcome earlier = outcome("two-tower");
    List<LoadedRun> again = Harness.load(tmp.resolve("split-from-cfg"), GRID);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    RunOutcome reused = new ExperimentRunner(Harness.REGISTRY, quiet).splitFrom(earlier.dir())
        .runAll(again, tmp.resolve("split-from-out"), false).stream().filter(o -> o.name().contains("two-tower"))
        .findFirst().orElseThrow();

    for (String k : List.of("test/recall@10", "test/recall@20", "test/ndcg@20", "valid/recall@20")) {
      assertThat(reused.metrics().get(k)).as(k).isEqualTo(earlier.metrics().get(k));
    }
    JsonNode a = JSON.readTree(earlier.dir().resolve(Provenance.FILE).toFile()).get("split");
    JsonNode b = JSON.readTree(reused.dir().resolve(Provenance.FILE).toFile()).get("split");
    assertThat(b.get("contentSha256")).isEqualTo(a.get("contentSha256"));
    assertThat(b.get("from").asText()).isEqualTo(earlier.dir().toAbsolutePath().normalize().toString());
  }

  private static String sha256(Path file) throws IOException {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void runAll_twoTower_trainingPlotsWritten() {
    Path plots = outcome("two-tower").dir().resolve("plots");
    assertThat(plots.resolve("loss.png")).isNotEmptyFile();
    assertThat(plots.resolve("validation.png")).isNotEmptyFile();
  }

  @Test
  void runAll_console_printsLeaderboard() {
    assertThat(console).contains("== run 1/2", "== run 2/2", "| run |", "recall@20", "Run directory: ");
    assertThat(console.lines().filter(l -> l.startsWith("| ") && l.contains("two-tower"))).hasSize(1);
    assertThat(console.lines().filter(l -> l.startsWith("| ") && l.contains("most-popular"))).hasSize(1);
  }

  @Test
  void runAll_finished_noArrayLeftAttached() {
    assertThat(arraysAfter).isEqualTo(arraysBefore);
  }

  @Test
  void runAll_simulator_twoTowerBeatsMostPopular() {
    double pop = outcome("most-popular").metrics().get("test/recall@20");
    double tower = outcome("two-tower").metrics().get("test/recall@20");
    assertThat(pop).isPositive();
    assertThat(tower).as("two-tower %s vs most-popular %s", tower, pop).isGreaterThan(pop);
  }

  @Test
  void runAll_resumeWithSameConfig_reusesRunDirectoryAndReproducesMetrics() {
    List<LoadedRun> single = Harness.load(tmp.resolve("resume-cfg"), Harness.SIMULATOR, "trainer.epochs=2",
        "trainer.batch-size=512");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Path out = tmp.resolve("resume");
    RunOutcome first = new ExperimentRunner(Harness.REGISTRY, quiet).runAll(single, out, false).get(0);
    RunOutcome again = new ExperimentRunner(Harness.REGISTRY, quiet).runAll(single, out, true).get(0);
    RunOutcome fresh = new ExperimentRunner(Harness.REGISTRY, quiet).runAll(single, out, false).get(0);

    assertThat(again.dir()).isEqualTo(first.dir());
    assertThat(again.metrics().get("test/recall@20")).isEqualTo(first.metrics().get("test/recall@20"));
    assertThat(again.metrics().get("test/ndcg@20")).isEqualTo(first.metrics().get("test/ndcg@20"));
    assertThat(again.train().bestEpoch()).isEqualTo(first.train().bestEpoch());
    assertThat(fresh.dir()).isNotEqualTo(first.dir());
    assertThat(fresh.dir().getFileName().toString()).isEqualTo(first.dir().getFileName() + "-2");
  }

  @Test
  void runAll_seedGridWithSeedDerivedSimulator_generatesDataPerSeedAndRecordsItsStream() throws IOException {
    // no data.seed: the simulator draws the stream data.simulator of each run's root seed
    String yaml = Harness.SIMULATOR.replace("  seed: 11\n", "") + """
        grid:
          seed: [1, 2]
        """;
    List<LoadedRun> seedRuns = Harness.load(tmp.resolve("seeds-cfg"), yaml, "model={type: most-popular}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<RunOutcome> res;
    try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      res = new ExperimentRunner(Harness.REGISTRY, ps).runAll(seedRuns, tmp.resolve("seeds-out"), false);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out.lines().filter(l -> l.startsWith("loaded simulator"))).hasSize(2);
    JsonNode s1 = JSON.readTree(res.get(0).dir().resolve(Provenance.FILE).toFile()).get("seeds");
    JsonNode s2 = JSON.readTree(res.get(1).dir().resolve(Provenance.FILE).toFile()).get("seeds");
    assertThat(s1.has("data.simulator")).as(s1.toString()).isTrue();
    assertThat(s2.has("data.simulator")).as(s2.toString()).isTrue();
    assertThat(s1.get("data.simulator")).isNotEqualTo(s2.get("data.simulator"));
    assertThat(res.get(0).metrics().get("test/recall@20")).isNotEqualTo(res.get(1).metrics().get("test/recall@20"));
  }

  @Test
  void runAll_gridWithTruthEvaluator_writesTruthAgreementInGridDir() throws IOException {
    String yaml = Harness.SIMULATOR.replace("""
          - {type: topk, ks: [10, 20], metrics: [recall, ndcg]}
        """, """
          - {type: topk, ks: [10, 20], metrics: [recall, ndcg]}
          - {type: truth, ks: [20], metrics: [recall, ndcg]}
        """) + """
        grid:
          seed: [1, 2, 3]
        """;
    List<LoadedRun> seedRuns = Harness.load(tmp.resolve("truth-cfg"), yaml, "trainer.epochs=1");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<RunOutcome> res = new ExperimentRunner(Harness.REGISTRY, quiet).runAll(seedRuns, tmp.resolve("truth-out"), false);

    Path gridDir = gridDir(res.get(0).dir().getParent(), "sim-grid-");
    List<String> lines = Files.readAllLines(gridDir.resolve(LoggedVersusTruth.FILE));
    assertThat(lines).anyMatch(l -> l.startsWith("| recall@20 | truth/recall@20 | 3 | "));
    assertThat(lines).anyMatch(l -> l.startsWith("| ndcg@20 | truth/ndcg@20 | 3 | "));
    for (RunOutcome o : res) {
      assertThat(o.metrics().get("test/truth/recall@20")).isBetween(0.0, 1.0);
      assertThat(Files.readAllLines(o.dir().resolve("per-query-test.csv")).get(0)).contains("truth/recall@20");
    }
  }

  @Test
  void runAll_truthEvaluatorOnDataWithoutGroundTruth_refusedBeforeAnyOutput() throws IOException {
    StringBuilder csv = new StringBuilder("user,item\n");
    for (int u = 0; u < 20; u++) {
      for (int i = 0; i < 10; i++) {
        csv.append(u).append(',').append((u + i * 3) % 15).append('\n');
      }
    }
    Path data = tmp.resolve("no-truth").resolve("log.csv");
    Files.createDirectories(data.getParent());
    Files.writeString(data, csv.toString());
    String yaml = """
        name: no-truth
        data: {type: csv, file: %s}
        model: {type: most-popular}
        evaluators:
          - {type: topk, ks: [10]}
          - {type: truth, ks: [10]}
        tracking: {type: local, fsync: false}
        """.formatted(data);
    List<LoadedRun> loaded = Harness.load(tmp.resolve("no-truth-cfg"), yaml);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Path out = tmp.resolve("no-truth-out");

    assertThatThrownBy(() -> new ExperimentRunner(Harness.REGISTRY, quiet).runAll(loaded, out, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[1]")
        .hasMessageContaining("no ground truth");
    assertThat(out).doesNotExist();
  }

  @Test
  void runAll_unknownLabel_refusedBeforeAnyOutput() {
    List<LoadedRun> loaded = Harness.load(tmp.resolve("label-cfg"), Harness.SIMULATOR,
        "evaluators=[{type: topk, label: likes}]");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Path out = tmp.resolve("label-out");

    assertThatThrownBy(() -> new ExperimentRunner(Harness.REGISTRY, quiet).runAll(loaded, out, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[0].label")
        .hasMessageContaining("like, positive, share");
    assertThat(out).doesNotExist();
  }

  private static Path gridDir(Path parent, String prefix) throws IOException {
    try (var dirs = Files.list(parent)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
    }
  }

  @Test
  void runAll_gridOverModels_loadsDataOnce() {
    assertThat(console.lines().filter(l -> l.startsWith("loaded simulator"))).hasSize(1);
    assertThat(console.lines().filter(l -> l.startsWith("protocol per-user-ratio"))).hasSize(1);
  }

  @Test
  void runAll_monitorNotReported_userException() {
    List<LoadedRun> bad = Harness.load(tmp.resolve("bad"), Harness.SIMULATOR, "trainer.epochs=1",
        "trainer.monitor=auc");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new ExperimentRunner(Harness.REGISTRY, quiet).runAll(bad, tmp.resolve("bad-out"), false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("trainer.monitor")
        .hasMessageContaining("auc")
        .hasMessageContaining("recall@20");
  }
}
