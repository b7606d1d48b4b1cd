package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code towerlab check} on synthetic run directories: verdicts, exit codes, messages, written records. */
class CheckCommandTest {
  @TempDir Path tmp;

  /** A finished run directory with the given run name, parent and metrics. */
  private static Path run(Path experimentDir, String runId, String runName, String parent, String status,
      Map<String, Double> metrics) throws IOException {
    Path d = Files.createDirectories(experimentDir.resolve(runId));
    Files.writeString(d.resolve("run.json"), "{\"experiment\": \"exp\", \"runId\": \"" + runId + "\", \"runName\": \""
        + runName + "\", \"parentRunId\": " + (parent == null ? "null" : "\"" + parent + "\"") + ", \"status\": \""
        + status + "\", \"startTime\": 1, \"endTime\": 2}");
    Files.writeString(d.resolve("tags.json"), "{\"mlflow.source.name\": \"examples/exp.yaml\"}");
    Files.writeString(d.resolve("provenance.json"), "{\"createdAt\": \"2026-12-06T07:00:00Z\", \"config\": {\"seed\": 7},"
        + " \"git\": {\"commit\": \"abc123\", \"dirty\": false}, \"versions\": {\"engineThreads\": \"1\"},"
        + " \"machine\": {\"os\": \"Linux\", \"cpu\": \"Test CPU\", \"cores\": 2}}");
    if (metrics != null) {
      StringBuilder json = new StringBuilder("{");
      metrics.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
          .append(Double.isNaN(v) ? "\"NaN\"" : v.toString()));
      Files.writeString(d.resolve("metrics.json"), json.append('}').toString());
    }
    return d;
  }

  /** A grid parent {@code exp-grid} with one child per recall value (seeds 1, 2, ...). */
  private Path grid(Path root, double... recalls) throws IOException {
    Path exp = root.resolve("exp");
    Path parent = run(exp, "exp-grid", "exp (grid of " + recalls.length + ")", null, "FINISHED", null);
    for (int i = 0; i < recalls.length; i++) {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("test/recall@20", recalls[i]);
      m.put("test/ndcg@20", recalls[i] / 2);
      m.put("train/seconds", 10.0 + i);
      run(exp, "exp-seed-" + (i + 1), "exp[seed=" + (i + 1) + "]", "exp-grid", "FINISHED", m);
    }
    return parent;
  }

  private Path record(double... recalls) throws IOException {
    Path grid = grid(tmp.resolve("recorded"), recalls);
    Path file = tmp.resolve("exp.expected.yaml");
    Cli.Result r = Cli.run("check", grid.toString(), "--write-record", file.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    return file;
  }

  @Test
  void writeRecord_grid_meanSdAndIntervalFromSeeds() throws IOException {
    Path file = record(0.1, 0.2, 0.3);

    ReplicationRecord rec = ReplicationRecord.read(file);
    assertThat(rec.experiment()).isEqualTo("exp");
    assertThat(rec.config()).isEqualTo("examples/exp.yaml");
    assertThat(rec.command()).isEqualTo("./towerlab run examples/exp.yaml");
    assertThat(rec.commit()).isEqualTo("abc123");
    assertThat(rec.date()).isEqualTo("2026-12-06T07:00:00Z");
    assertThat(rec.machine()).isEqualTo(new ReplicationRecord.Machine("Test CPU", 2, "1", "Linux"));
    assertThat(rec.methods()).hasSize(1);
    ReplicationRecord.Method m = rec.methods().get(0);
    assertThat(m.name()).isEqualTo("exp");
    assertThat(m.seeds()).containsExactly(1, 2, 3);
    // only test/ metrics are recorded (train/seconds is timing)
    assertThat(m.metrics().keySet()).containsExactly("test/ndcg@20", "test/recall@20");
    ReplicationRecord.Metric recall = m.metrics().get("test/recall@20");
    // mean 0.2, sd 0.1, h = max(3 * 0.1 / sqrt(3), 0.02 * 0.2, 0.001) = 0.173205
    assertThat(recall.mean()).isCloseTo(0.2, within(1e-12));
    assertThat(recall.sd()).isCloseTo(0.1, within(1e-12));
    assertThat(recall.low()).isCloseTo(0.2 - 0.1732051, within(1e-6));
    assertThat(recall.high()).isCloseTo(0.2 + 0.1732051, within(1e-6));
    assertThat(recall.values()).containsExactly(0.1, 0.2, 0.3);
    assertThat(Files.readString(file)).startsWith("# TowerLab replication record");
  }

  @Test
  void writeRecord_equalSeeds_relativeFloorApplies() throws IOException {
    ReplicationRecord.Metric recall = ReplicationRecord.read(record(0.5, 0.5, 0.5)).methods().get(0).metrics()
        .get("test/recall@20");
    // sd 0: h = 0.02 * 0.5 = 0.01
    assertThat(recall.low()).isCloseTo(0.49, within(1e-12));
    assertThat(recall.high()).isCloseTo(0.51, within(1e-12));
  }

  @Test
  void check_sameRunsAsRecorded_passExit0() throws IOException {
    Path file = record(0.1, 0.2, 0.3);
    Path fresh = grid(tmp.resolve("fresh"), 0.1, 0.2, 0.3);

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("PASS  exp  test/recall@20 = 0.2  inside [0.0267949, 0.373205]")
        .contains("PASS: all 2 metrics inside the record.").contains("Test CPU").contains("abc123");
  }

  @Test
  void check_meanOutsideInterval_failsExit5WithValueAndInterval() throws IOException {
    Path file = record(0.5, 0.5, 0.5); // recall@20 in [0.49, 0.51], ndcg@20 in [0.244, 0.256]
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, 0.56); // mean 0.52

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(CheckCommand.OUTSIDE_RECORD).isEqualTo(5);
    assertThat(r.out()).contains("FAIL  exp  test/recall@20 = 0.52  OUTSIDE [0.49, 0.51]  (recorded mean 0.5)")
        .contains("FAIL  exp  test/ndcg@20 = 0.26  OUTSIDE [0.245, 0.255]")
        .contains("FAIL: 2 of 2 metrics outside the record (exit 5).");
  }

  @Test
  void check_oneMetricOutside_othersStillPass() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path exp = tmp.resolve("fresh");
    Path single = run(exp, "exp-grid", "exp (grid of 3)", null, "FINISHED", null);
    for (int s = 1; s <= 3; s++) {
      run(exp, "exp-seed-" + s, "exp[seed=" + s + "]", "exp-grid", "FINISHED",
          Map.of("test/recall@20", 0.5, "test/ndcg@20", 0.3));
    }

    Cli.Result r = Cli.run("check", single.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    assertThat(r.out()).contains("PASS  exp  test/recall@20").contains("FAIL  exp  test/ndcg@20")
        .contains("FAIL: 1 of 2 metrics");
  }

  @Test
  void check_nanMetric_fails() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, Double.NaN);

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    assertThat(r.out()).contains("FAIL  exp  test/recall@20 = NaN");
  }

  @Test
  void check_missingRecord_exit2WithHowToWriteOne() throws IOException {
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, 0.5);

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", tmp.resolve("none.yaml").toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("none.yaml does not exist").contains("--write-record").doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void check_noRecordBesideConfig_exit2NamesTheLookedForFile() throws IOException {
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, 0.5);

    Cli.Result r = Cli.run("check", fresh.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("no replication record for examples/exp.yaml").contains("exp.expected.yaml")
        .contains("--record FILE");
  }

  @Test
  void check_recordedMetricAbsentFromRun_exit2() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path exp = tmp.resolve("fresh");
    Path parent = run(exp, "exp-grid", "exp (grid of 3)", null, "FINISHED", null);
    for (int s = 1; s <= 3; s++) {
      run(exp, "exp-seed-" + s, "exp[seed=" + s + "]", "exp-grid", "FINISHED", Map.of("test/recall@20", 0.5));
    }

    Cli.Result r = Cli.run("check", parent.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("The metric test/ndcg@20 of the record").contains("is not in")
        .contains("[test/recall@20]");
  }

  @Test
  void check_recordedMethodAbsent_exit2ListsTheRunsMethods() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path exp = tmp.resolve("fresh");
    Path single = run(exp, "other", "other-name", null, "FINISHED", Map.of("test/recall@20", 0.5));

    Cli.Result r = Cli.run("check", single.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("The method exp of the record").contains("[other-name]");
  }

  @Test
  void check_otherSeeds_exit2() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5);

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("have seeds [1, 2]").contains("has seeds [1, 2, 3]");
  }

  @Test
  void check_unfinishedChild_exit2() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, 0.5);
    run(fresh.getParent(), "exp-seed-3", "exp[seed=3]", "exp-grid", "FAILED", Map.of("test/recall@20", 0.5));

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("is FAILED, not FINISHED");
  }

  @Test
  void check_notARunDirectory_exit2() {
    Cli.Result r = Cli.run("check", tmp.resolve("nothing").toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("No TowerLab run at");
  }

  @Test
  void check_recordWithBadInterval_exit2NamesThePath() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Files.writeString(file, Files.readString(file).replaceFirst("low: [0-9.]+", "low: 9.0"));
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, 0.5);

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("$.methods[0].metrics['test/ndcg@20'] has low 9.0 above high");
  }

  @Test
  void writeRecord_singleRunWithoutTolerance_exit2AsksForOne() throws IOException {
    Path single = run(tmp.resolve("exp"), "exp-1", "exp", null, "FINISHED", Map.of("test/recall@20", 0.4));

    Cli.Result r = Cli.run("check", single.toString(), "--write-record", tmp.resolve("r.yaml").toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("single run").contains("--tolerance 0.05");
    assertThat(tmp.resolve("r.yaml")).doesNotExist();
  }

  @Test
  void writeRecord_singleRunWithTolerance_relativeIntervalThenChecks() throws IOException {
    Path single = run(tmp.resolve("exp"), "exp-1", "exp", null, "FINISHED",
        Map.of("test/recall@20", 0.4, "test/auc", 0.8, "valid/recall@20", 0.3));
    Path file = tmp.resolve("r.yaml");

    Cli.Result w = Cli.run("check", single.toString(), "--write-record", file.toString(), "--tolerance", "0.05",
        "--metrics", "test/recall@20,valid/recall@20", "--command", "./towerlab run x.yaml --set seed=7");

    assertThat(w.code()).as(w.toString()).isZero();
    ReplicationRecord rec = ReplicationRecord.read(file);
    assertThat(rec.command()).isEqualTo("./towerlab run x.yaml --set seed=7");
    ReplicationRecord.Method m = rec.methods().get(0);
    assertThat(m.seeds()).containsExactly(7); // from the effective config when the name has no seed
    assertThat(m.metrics().keySet()).containsExactly("test/recall@20", "valid/recall@20");
    assertThat(m.metrics().get("test/recall@20").low()).isCloseTo(0.38, within(1e-12));
    assertThat(m.metrics().get("test/recall@20").high()).isCloseTo(0.42, within(1e-12));
    Cli.Result c = Cli.run("check", single.toString(), "--record", file.toString());
    assertThat(c.code()).as(c.toString()).isZero();
  }

  @Test
  void writeRecord_unknownMetric_exit2ListsTheRunsMetrics() throws IOException {
    Path single = run(tmp.resolve("exp"), "exp-1", "exp", null, "FINISHED", Map.of("test/recall@20", 0.4));

    Cli.Result r = Cli.run("check", single.toString(), "--write-record", tmp.resolve("r.yaml").toString(),
        "--tolerance", "0.05", "--metrics", "test/ndcg@20");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("The metric test/ndcg@20 is not in").contains("[test/recall@20]");
  }

  @Test
  void load_gridWithVariants_groupsRunsBySeedlessName() throws IOException {
    Path exp = tmp.resolve("exp");
    Path parent = run(exp, "exp-grid", "exp (grid of 4)", null, "FINISHED", null);
    for (String v : List.of("a", "b")) {
      for (int s = 1; s <= 2; s++) {
        run(exp, "exp-" + v + "-" + s, "exp[variant=" + v + ",seed=" + s + "]", "exp-grid", "FINISHED",
            Map.of("test/recall@20", 0.1 * s));
      }
    }
    run(exp, "unrelated", "exp[seed=9]", "other-grid", "FINISHED", Map.of("test/recall@20", 1.0));

    ReplicationCheck.Runs runs = ReplicationCheck.load(parent);

    assertThat(runs.methods()).extracting(ReplicationCheck.MethodRuns::name)
        .containsExactly("exp[variant=a]", "exp[variant=b]");
    assertThat(runs.methods().get(0).seeds()).containsExactly(1, 2);
  }

  @Test
  void help_describesExitCodes_exit0() {
    Cli.Result r = Cli.run("check", "--help");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Usage: towerlab check").contains("--record=FILE").contains("--write-record=FILE")
        .contains("5 when one falls outside");
  }

  @Test
  void check_noRunDir_usageErrorExit2() {
    Cli.Result r = Cli.run("check");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter: 'RUN_DIR'");
  }

  @Test
  void check_recordAndWriteRecord_exit2() throws IOException {
    Path file = record(0.5, 0.5, 0.5);
    Path fresh = grid(tmp.resolve("fresh"), 0.5, 0.5, 0.5);

    Cli.Result r = Cli.run("check", fresh.toString(), "--record", file.toString(), "--write-record",
        tmp.resolve("x.yaml").toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("exclude each other");
    assertThat(tmp.resolve("x.yaml")).doesNotExist();
  }
}
