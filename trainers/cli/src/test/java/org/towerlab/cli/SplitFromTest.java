package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/** {@code --split-from RUN_DIR} on {@code run} and {@code validate}, end to end with the real registry. */
class SplitFromTest {
  private static final String CONFIG = """
      name: split-sim
      seed: 7
      data: {type: simulator, n-users: 150, n-items: 80, interactions-per-user: 12, seed: 3}
      model: {type: most-popular}
      evaluators:
        - {type: topk, ks: [10, 20]}
      """;

  @TempDir static Path shared;
  private static Registry registry;
  private static Path config;
  private static Path recorded;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void recordRun() throws IOException {
    registry = Registry.discover();
    config = shared.resolve("sim.yaml");
    Files.writeString(config, CONFIG);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    assertThat(cli(sink, sink).execute("run", config.toString(), "--out", shared.resolve("runs").toString())).isZero();
    recorded = onlyRunDir(shared.resolve("runs"));
  }

  private static Towerlab cli(ByteArrayOutputStream out, ByteArrayOutputStream err) {
    return new Towerlab(() -> registry, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int run(String... args) {
    return cli(out, err).execute(args);
  }

  @Test
  void run_splitFromRecordedRun_sameMetricsAndRecordsWhereFrom() throws IOException {
    Path outDir = dir.resolve("runs");
    assertThat(run("run", config.toString(), "--out", outDir.toString(), "--split-from", recorded.toString())).isZero();
    Path again = onlyRunDir(outDir);

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(split from " + recorded + ")");
    java.util.Map<String, Double> now = Reproduction.readMetrics(again.resolve("metrics.json"));
    java.util.Map<String, Double> then = Reproduction.readMetrics(recorded.resolve("metrics.json"));
    now.keySet().removeIf(Reproduction::isTiming);
    then.keySet().removeIf(Reproduction::isTiming);
    assertThat(now).isEqualTo(then);
    assertThat(Files.readString(again.resolve("provenance.json"))).contains("\"from\" : \"" + recorded);
  }

  @Test
  void validate_splitFrom_loadsDataAndSaysTheSplitMatches() {
    assertThat(run("validate", config.toString(), "--split-from", recorded.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: " + config + ": 1 run(s); split from " + recorded)
        .contains("matches the data");
  }

  @Test
  void run_splitFromWithOtherData_exitTwoAndNoOutput() throws IOException {
    Path other = dir.resolve("other.yaml");
    Files.writeString(other, CONFIG.replace("seed: 3}", "seed: 4}"));
    Path outDir = dir.resolve("runs");

    assertThat(run("run", other.toString(), "--out", outDir.toString(), "--split-from", recorded.toString()))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--split-from " + recorded)
        .contains("is not the one that run split").doesNotContain("\tat ");
    assertThat(outDir).doesNotExist();
    assertThat(run("validate", other.toString(), "--split-from", recorded.toString())).isEqualTo(2);
  }

  @Test
  void validate_splitFromMissingDirectory_exitTwo() {
    assertThat(run("validate", config.toString(), "--split-from", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such directory");
  }

  private static Path onlyRunDir(Path runsRoot) throws IOException {
    try (Stream<Path> s = Files.walk(runsRoot, 2)) {
      List<Path> dirs = s.filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).toList();
      assertThat(dirs).hasSize(1);
      return dirs.get(0);
    }
  }
}
