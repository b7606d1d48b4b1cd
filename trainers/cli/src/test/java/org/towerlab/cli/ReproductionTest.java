package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/**
 * {@code towerlab reproduce} end to end with the real registry: a tiny simulator run (2 epochs) is
 * recorded once, then reproduced, and reproduced again from tampered copies.
 */
class ReproductionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIMULATOR = """
      name: repro-sim
      seed: 7
      data: {type: simulator, n-users: 200, n-items: 120, interactions-per-user: 15}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 8, hidden: [16], output-dim: 8}
        item-tower: {type: mlp, embedding-dim: 8, hidden: [16], output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      sampler: {type: in-batch}
      loss: {type: sampled-softmax}
      trainer: {type: plain, epochs: 2, batch-size: 128}
      evaluators:
        - {type: topk, ks: [10, 20]}
      """;

  @TempDir
  static Path shared;
  private static Registry registry;
  private static Path recorded;

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void recordRun() throws IOException {
    registry = Registry.discover();
    Path config = shared.resolve("sim.yaml");
    Files.writeString(config, SIMULATOR);
    int code = cli(new ByteArrayOutputStream(), new ByteArrayOutputStream())
        .execute("run", config.toString(), "--out", shared.resolve("runs").toString());
    assertThat(code).isZero();
    recorded = onlyRunDir(shared.resolve("runs"));
  }

  private static Towerlab cli(ByteArrayOutputStream out, ByteArrayOutputStream err) {
    return new Towerlab(() -> registry, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int run(String... args) {
    return cli(out, err).execute(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void reproduce_sameMachineSimulator_identicalExitZero() throws IOException {
    Path outDir = dir.resolve("repro");
    assertThat(run("reproduce", recorded.toString(), "--out", outDir.toString())).isZero();
    assertThat(out()).contains("data: generated (no files)").contains("test/recall@20")
        .containsPattern("identical: all \\d+ metrics match exactly")
        .contains("not compared (timing): train/seconds");
    Path rerun = onlyRunDir(outDir);
    assertThat(Reproduction.readMetrics(rerun.resolve("metrics.json")).get("test/recall@20"))
        .isEqualTo(Reproduction.readMetrics(recorded.resolve("metrics.json")).get("test/recall@20"));
    assertThat(err()).doesNotContain("internal error");
  }

  @Test
  void reproduce_tamperedProvenanceDataHash_exitTwoWithDiffBeforeTraining() throws IOException {
    Path copy = copyRun(recorded, dir.resolve("copy"));
    ObjectNode prov = (ObjectNode) JSON.readTree(copy.resolve("provenance.json").toFile());
    ((ObjectNode) prov.get("data")).putObject("/data/interactions.csv").put("sha256", "00ff").put("rows", 12);
    JSON.writeValue(copy.resolve("provenance.json").toFile(), prov);
    Path outDir = dir.resolve("repro");

    assertThat(run("reproduce", copy.toString(), "--out", outDir.toString())).isEqualTo(2);
    assertThat(err()).contains("Cannot reproduce " + copy)
        .contains("- /data/interactions.csv: recorded (sha256 00ff, 12 rows) but not read now")
        .doesNotContain("\tat ");
    assertThat(outDir).doesNotExist();
  }

  @Test
  void reproduce_recordedMetricChanged_exitThreeMarksIt() throws IOException {
    Path copy = copyRun(recorded, dir.resolve("copy"));
    ObjectNode metrics = (ObjectNode) JSON.readTree(copy.resolve("metrics.json").toFile());
    metrics.put("test/recall@20", metrics.get("test/recall@20").asDouble() + 0.5);
    JSON.writeValue(copy.resolve("metrics.json").toFile(), metrics);

    assertThat(run("reproduce", copy.toString(), "--out", dir.resolve("repro").toString()))
        .isEqualTo(Towerlab.NOT_CLEAN);
    assertThat(out()).containsPattern("test/recall@20 .*  \\*").contains("1 of ").contains("metrics differ");
  }

  @Test
  void reproduce_csvFileModified_exitTwoWithHashAndRowDiff() throws IOException {
    Path csv = dir.resolve("interactions.csv");
    StringBuilder rows = new StringBuilder("user,item\n");
    for (int u = 0; u < 30; u++) {
      for (int k = 0; k < 8; k++) {
        rows.append("u").append(u).append(",i").append((u * 7 + k * 3) % 25).append('\n');
      }
    }
    Files.writeString(csv, rows);
    Path config = dir.resolve("csv.yaml");
    Files.writeString(config, SIMULATOR.replace("name: repro-sim", "name: repro-csv")
        .replaceAll("data: \\{[^}]*}", "data: {type: csv, file: '" + csv + "'}")
        .replace("epochs: 2", "epochs: 1"));
    assertThat(run("run", config.toString(), "--out", dir.resolve("runs").toString())).isZero();
    Path runDir = onlyRunDir(dir.resolve("runs"));
    assertThat(JSON.readTree(runDir.resolve("provenance.json").toFile()).path("data").size()).isEqualTo(1);

    Files.writeString(csv, "u0,i24\n", java.nio.file.StandardOpenOption.APPEND);
    Path outDir = dir.resolve("repro");
    assertThat(run("reproduce", runDir.toString(), "--out", outDir.toString())).isEqualTo(2);
    assertThat(err()).contains("~ " + csv).contains("-> ").containsPattern("rows 241 -> 242")
        .contains("Restore the original files").doesNotContain("\tat ");
    assertThat(outDir).doesNotExist();
  }

  @Test
  void reproduce_missingDirectory_exitTwo() {
    assertThat(run("reproduce", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err()).contains("nope").contains("no such directory");
  }

  @Test
  void reproduce_gridParentDirectory_exitTwoPointsAtChildren() throws IOException {
    Path parent = Files.createDirectories(dir.resolve("grid"));
    Files.writeString(parent.resolve("leaderboard.csv"), "run\n");
    assertThat(run("reproduce", parent.toString())).isEqualTo(2);
    assertThat(err()).contains("no effective-config.yaml").contains("child run directories");
  }

  @Test
  void compared_timingMetrics_dropped() {
    Map<String, Double> m = Map.of("train/seconds", 2.0, "train/mean-examples-per-second", 9.0, "test/recall@20", 0.1,
        "train/steps", 38.0);
    assertThat(Reproduction.compared(m)).containsOnlyKeys("test/recall@20", "train/steps");
  }

  @Test
  void readMetrics_nanWrittenAsString_parsed() throws IOException {
    Path f = dir.resolve("metrics.json");
    Files.writeString(f, "{\"a\": 0.5, \"b\": \"NaN\"}");
    Map<String, Double> m = Reproduction.readMetrics(f);
    assertThat(m.get("a")).isEqualTo(0.5);
    assertThat(m.get("b")).isNaN();
  }

  private static Path onlyRunDir(Path runsRoot) throws IOException {
    try (Stream<Path> s = Files.walk(runsRoot, 2)) {
      List<Path> dirs = s.filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).toList();
      assertThat(dirs).hasSize(1);
      return dirs.get(0);
    }
  }

  private static Path copyRun(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}
