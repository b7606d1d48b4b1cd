package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.Kind;
import org.towerlab.registry.Registry;

class TowerlabTest {
  private static final String GOOD = """
      name: cli
      data: {type: toy, users: 5}
      model: {type: popular}
      """;

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    Towerlab cli = new Towerlab(() -> Registry.of(new CliFixtures.Module()), Map.of("USERS", "7"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return cli.execute(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String write(String text) throws IOException {
    Path p = dir.resolve("exp.yaml");
    Files.writeString(p, text);
    return p.toString();
  }

  // The stub components of CliFixtures cannot load data: these tests check configs with --no-data
  // (the checks with data are in BadConfigTest and BadDataTest).

  @Test
  void validate_goodConfigNoData_okAndExitZero() throws IOException {
    String file = write(GOOD);
    assertThat(run("validate", file, "--no-data")).isZero();
    assertThat(out()).isEqualTo("OK: " + file + ": 1 run(s) (data not loaded)\n");
    assertThat(err()).isEmpty();
  }

  @Test
  void validate_gridAndOverride_countsChildren() throws IOException {
    String file = write(GOOD + "grid: {seed: [1, 2]}\n");
    assertThat(run("validate", file, "--no-data", "--set", "grid.model.limit=[5, 6, 7]")).isZero();
    assertThat(out()).contains(": 6 run(s)");
  }

  @Test
  void validate_tuneSection_countsTheTrials() throws IOException {
    String file = write(GOOD + "grid: {seed: [1, 2]}\ntune: {trials: 3, space: {model.limit: {int-uniform: [5, 50]}}}\n");
    assertThat(run("validate", file, "--no-data")).isZero();
    assertThat(out()).isEqualTo("OK: " + file + ": 2 run(s), 3 tuning trial(s) (data not loaded)\n");
  }

  @Test
  void validate_tuneValueThatDoesNotBind_exitTwoNamingTheSpaceEntry() throws IOException {
    String file = write(GOOD + "tune: {trials: 2, space: {model.limit: [five]}}\n");
    assertThat(run("validate", file, "--no-data")).isEqualTo(2);
    assertThat(err()).contains("tune.space entry 'model.limit'").doesNotContain("\tat ");
    assertThat(out()).isEmpty();
  }

  @Test
  void validate_unknownKey_exitTwoWithPathAndNoStackTrace() throws IOException {
    String file = write(GOOD.replace("users: 5", "userz: 5"));
    assertThat(run("validate", file)).isEqualTo(2);
    assertThat(err()).contains(file).contains("$.data.userz").contains("Did you mean 'users'?")
        .doesNotContain("\tat ");
    assertThat(out()).isEmpty();
  }

  @Test
  void validate_invalidNestedValue_exitTwoWithPath() throws IOException {
    String file = write(GOOD.replace("users: 5", "protocol: {type: holdout, ratio: 1.5}"));
    assertThat(run("validate", file)).isEqualTo(2);
    assertThat(err()).contains("$.data.protocol").contains("got 1.5");
  }

  @Test
  void validate_factoryBug_exitOneWithHint() throws IOException {
    String file = write(GOOD.replace("type: popular", "type: broken"));
    assertThat(run("validate", file)).isEqualTo(1);
    assertThat(err()).contains("internal error").contains("bug in the factory").contains("--debug")
        .doesNotContain("\tat ");
  }

  @Test
  void validate_factoryBugWithDebug_printsStackTrace() throws IOException {
    String file = write(GOOD.replace("type: popular", "type: broken"));
    assertThat(run("--debug", "validate", file)).isEqualTo(1);
    assertThat(err()).contains("\tat ");
  }

  @Test
  void validate_debugAfterSubcommand_accepted() throws IOException {
    assertThat(run("validate", write(GOOD), "--no-data", "--debug")).isZero();
  }

  @Test
  void validate_missingFile_exitTwo() {
    assertThat(run("validate", dir.resolve("missing.yaml").toString())).isEqualTo(2);
    assertThat(err()).contains("missing.yaml").contains("does not exist");
  }

  @Test
  void run_missingFile_exitTwoBeforeRunner() {
    assertThat(run("run", dir.resolve("missing.yaml").toString(), "--out", dir.toString())).isEqualTo(2);
    assertThat(err()).contains("missing.yaml");
  }

  @Test
  void components_noKind_listsEveryKind() {
    assertThat(run("components")).isZero();
    for (Kind k : Kind.values()) {
      assertThat(out()).contains(k.label() + " (");
    }
    assertThat(out()).contains("sampled-softmax").contains("temperature").contains("number").contains("= 1.0")
        .contains("Most popular");
  }

  @Test
  void components_kindTower_onlyTowers() {
    assertThat(run("components", "--kind", "tower")).isZero();
    assertThat(out()).startsWith("tower (1)").contains("mlp").contains("list<int>").doesNotContain("popular");
  }

  @Test
  void components_unknownKind_exitTwoListingKinds() {
    assertThat(run("components", "--kind", "towr")).isEqualTo(2);
    assertThat(err()).contains("towr").contains("[data, protocol, model, tower");
  }

  @Test
  void config_yaml_effectiveWithDefaultsAndInterpolation() throws IOException {
    String file = write(GOOD.replace("users: 5", "users: '${USERS}'"));
    assertThat(run("config", file, "--set", "seed=9")).isZero();
    assertThat(out()).contains("seed: 9").contains("users: 7").contains("type: in-batch")
        .contains("type: holdout").contains("ratio: 0.2");
  }

  @Test
  void config_jsonGrid_arrayOfEffectiveConfigs() throws IOException {
    String file = write(GOOD + "grid: {seed: [1, 2]}\n");
    assertThat(run("config", file, "--json")).isZero();
    JsonNode node = new ObjectMapper().readTree(out());
    assertThat(node.isArray()).isTrue();
    assertThat(node.get(1).get("run").asText()).isEqualTo("cli[seed=2]");
    assertThat(node.get(1).get("seed").asLong()).isEqualTo(2L);
  }

  @Test
  void version_printsFilteredVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out()).containsPattern("towerlab \\d+\\.\\d+\\.\\d+").doesNotContain("${");
  }

  @Test
  void help_listsSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("run").contains("validate").contains("components").contains("config")
        .contains("reproduce").contains("mlflow").contains("bench").contains("help");
  }

  @Test
  void mlflow_noSubcommand_usageExitTwo() {
    assertThat(run("mlflow")).isEqualTo(2);
    assertThat(err()).contains("Usage: towerlab mlflow").contains("sync");
  }

  @Test
  void mlflowSync_noUriAnywhere_exitTwoSaysHowToSetIt() {
    assertThat(run("mlflow", "sync", "--runs", dir.toString())).isEqualTo(2);
    assertThat(err()).contains("MLFLOW_TRACKING_URI").contains("--uri").doesNotContain("\tat ");
  }

  @Test
  void mlflowSync_fileUri_exitTwoNamesTheUri() {
    assertThat(run("mlflow", "sync", "--uri", "file:///tmp/mlruns", "--runs", dir.toString())).isEqualTo(2);
    assertThat(err()).contains("'file:///tmp/mlruns' (from --uri)").contains("http://");
  }

  @Test
  void mlflowSync_missingRunDir_exitTwo() {
    assertThat(run("mlflow", "sync", dir.resolve("nope").toString(), "--uri", "http://127.0.0.1:1")).isEqualTo(2);
    assertThat(err()).contains("No TowerLab run at").contains("nope");
  }

  @Test
  void mlflowSync_serverUnreachable_runReportedFailedExitThree() throws IOException {
    Path runDir = dir.resolve("runs/exp/run-1");
    try (org.towerlab.tracking.local.LocalRunStore store = new org.towerlab.tracking.local.LocalRunStore(
        new org.towerlab.tracking.local.LocalTrackerConfig(false))) {
      store.start(new org.towerlab.api.tracking.RunSpec("exp", "run 1", "run-1", runDir, null, Map.of()));
      store.logMetrics(Map.of("valid/recall@20", 0.25), 1);
      store.finish("FINISHED");
    }
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: connections are refused
    }
    assertThat(run("mlflow", "sync", "--runs", dir.resolve("runs").toString(), "--uri", "http://127.0.0.1:" + port))
        .isEqualTo(Towerlab.NOT_CLEAN);
    assertThat(out()).contains("failed").contains(runDir.toString()).contains("unreachable")
        .contains("1 runs: 0 created, 0 completed, 0 up-to-date, 1 failed");
  }

  @Test
  void reproduceHelp_documentsOutDefault() {
    assertThat(run("reproduce", "--help")).isZero();
    assertThat(out()).contains("Usage: towerlab reproduce").contains("RUN_DIR").contains("runs/reproduce");
  }

  @Test
  void bench_unknownPart_exitTwoListsParts() {
    assertThat(run("bench", "--what", "gpu")).isEqualTo(2);
    assertThat(err()).contains("'gpu'").contains("[train, eval, scoring, memory, pytorch, crossover, vocab, two-jobs, scale, all, spark-scale]");
  }

  @Test
  void subcommandHelp_usageExitZero() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out()).contains("Usage: towerlab run").contains("--resume").contains("--out=DIR");
  }

  @Test
  void unknownOption_usageErrorExitTwo() {
    assertThat(run("validate", "exp.yaml", "--bogus")).isEqualTo(2);
    assertThat(err()).contains("Unknown option: '--bogus'");
  }

  @Test
  void noSubcommand_usageExitTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("Usage: towerlab");
  }
}
