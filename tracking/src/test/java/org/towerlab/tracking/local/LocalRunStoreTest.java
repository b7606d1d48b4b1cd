package org.towerlab.tracking.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.tracking.RunSpec;

class LocalRunStoreTest {
  @TempDir
  Path tmp;

  private RunSpec spec(String id) {
    return new RunSpec("exp", "run " + id, id, tmp.resolve("exp").resolve(id), null, Map.of("protocol", "rs811"));
  }

  @Test
  void lifecycle_allCalls_areReadBackExactly() throws Exception {
    Path outside = Files.writeString(tmp.resolve("leaderboard.csv"), "run,recall\nA,0.5\n");
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig())) {
      store.start(spec("r1"));
      store.logParams(Map.of("loss.type", "bpr", "trainer.epochs", "3"));
      store.logMetrics(Map.of("valid/recall@20", 0.25, "train/loss", 1.5), 1);
      store.logMetrics(Map.of("valid/recall@20", 0.30, "train/loss", Double.NaN), 2);
      store.setTags(Map.of("git.commit", "abc"));
      Path inside = Files.writeString(store.runDir().resolve("metrics.json"), "{}");
      store.logArtifact(inside, "");
      store.logArtifact(outside, "tables");
      store.finish("FINISHED");
    }

    LocalRun run = LocalRun.read(tmp.resolve("exp/r1"));
    assertThat(run.status()).isEqualTo("FINISHED");
    assertThat(run.endTime()).isNotNull().isGreaterThanOrEqualTo(run.startTime());
    assertThat(run.params()).containsEntry("loss.type", "bpr").hasSize(2);
    assertThat(run.tags()).containsEntry("protocol", "rs811").containsEntry("git.commit", "abc");
    assertThat(run.historyByKey().get("valid/recall@20")).extracting(MetricPoint::step, MetricPoint::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 0.25), org.assertj.core.groups.Tuple.tuple(2L, 0.30));
    assertThat(run.historyByKey().get("train/loss").get(1).value()).isNaN();
    assertThat(run.artifacts()).containsExactly(new ArtifactEntry("metrics.json", ""),
        new ArtifactEntry("artifacts/tables/leaderboard.csv", "tables"));
    assertThat(run.artifacts().get(1).artifactPath()).isEqualTo("tables/leaderboard.csv");
    assertThat(Files.readString(run.dir().resolve("artifacts/tables/leaderboard.csv"))).isEqualTo("run,recall\nA,0.5\n");
    assertThat(run.dir().resolve("artifacts/metrics.json")).doesNotExist();
  }

  @Test
  void read_truncatedLastHistoryLine_isSkipped() throws Exception {
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(spec("r2"));
      store.logMetrics(Map.of("m", 1.0), 0);
      store.finish("KILLED");
    }
    Path history = tmp.resolve("exp/r2").resolve(LocalRunStore.HISTORY_FILE);
    Files.writeString(history, "{\"key\":\"m\",\"value\":2.0,\"st", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    LocalRun run = LocalRun.read(tmp.resolve("exp/r2"));

    assertThat(run.history()).extracting(MetricPoint::value).containsExactly(1.0);
    assertThat(run.skippedLines()).isEqualTo(1);
    assertThat(run.status()).isEqualTo("KILLED");
  }

  @Test
  void read_runningRunOfDeadProcess_isInterrupted() throws Exception {
    Path dir = tmp.resolve("exp/r3");
    Map<String, Object> runJson = new LinkedHashMap<>();
    runJson.put("experiment", "exp");
    runJson.put("runId", "r3");
    runJson.put("status", "RUNNING");
    runJson.put("startTime", 1L);
    runJson.put("pid", Long.MAX_VALUE - 7); // no such process
    Json.write(dir.resolve(LocalRunStore.RUN_FILE), runJson);

    assertThat(LocalRun.read(dir).status()).isEqualTo("INTERRUPTED");
  }

  @Test
  void markInterrupted_runningRun_writesInterrupted() {
    LocalRunStore store = new LocalRunStore(new LocalTrackerConfig());
    store.start(spec("r4"));
    store.logMetrics(Map.of("m", 1.0), 0);

    store.markInterrupted(); // what the shutdown hook does
    JsonNode run = Json.read(tmp.resolve("exp/r4/run.json"), JsonNode.class);

    assertThat(run.get("status").asText()).isEqualTo("INTERRUPTED");
    assertThat(run.get("endTime").asLong()).isPositive();
    store.close();
  }

  @Test
  void close_withoutFinish_marksInterruptedButKeepsFinishedRuns() {
    LocalRunStore a = new LocalRunStore(new LocalTrackerConfig());
    a.start(spec("r5"));
    a.close();
    LocalRunStore b = new LocalRunStore(new LocalTrackerConfig());
    b.start(spec("r6"));
    b.finish("FAILED");
    b.close();

    assertThat(LocalRun.read(tmp.resolve("exp/r5")).status()).isEqualTo("INTERRUPTED");
    assertThat(LocalRun.read(tmp.resolve("exp/r6")).status()).isEqualTo("FAILED");
  }

  @Test
  void finish_unknownStatus_throwsWithValue() {
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig())) {
      store.start(spec("r7"));
      assertThatThrownBy(() -> store.finish("DONE")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DONE");
    }
  }

  @Test
  void find_runsRoot_listsRunDirsAndReadRejectsNonRun() {
    try (LocalRunStore a = new LocalRunStore(new LocalTrackerConfig())) {
      a.start(spec("x1"));
      a.finish("FINISHED");
    }
    try (LocalRunStore b = new LocalRunStore(new LocalTrackerConfig())) {
      b.start(spec("x2"));
      b.finish("FINISHED");
    }

    assertThat(LocalRun.find(tmp)).extracting(p -> p.getFileName().toString()).containsExactly("x1", "x2");
    assertThatThrownBy(() -> LocalRun.read(tmp)).isInstanceOf(UserException.class).hasMessageContaining("run.json");
    assertThat(List.of(LocalRun.read(tmp.resolve("exp/x1")).runName())).containsExactly("run x1");
  }

  @Test
  void start_runDirectoryLockedByAnotherStore_refusedNamingTheHolderAndWritesNothing() throws Exception {
    LocalRunStore first = new LocalRunStore(new LocalTrackerConfig(false));
    first.start(spec("l1"));
    first.logMetrics(Map.of("m", 1.0), 1);
    String before = Files.readString(tmp.resolve("exp/l1/run.json"));

    LocalRunStore second = new LocalRunStore(new LocalTrackerConfig(false));
    assertThatThrownBy(() -> second.start(spec("l1"))).isInstanceOf(UserException.class)
        .hasMessageContaining(tmp.resolve("exp/l1").toString()).hasMessageContaining("in use by this process")
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    assertThat(Files.readString(tmp.resolve("exp/l1/run.json"))).isEqualTo(before);
    assertThat(Files.readAllLines(tmp.resolve("exp/l1").resolve(LocalRunStore.HISTORY_FILE))).hasSize(1);

    first.finish("FINISHED"); // releases the lock
    first.close();
    second.start(spec("l1"));
    second.finish("FINISHED");
    second.close();
    assertThat(Files.readString(tmp.resolve("exp/l1").resolve(RunLock.FILE)))
        .contains("\"pid\":" + ProcessHandle.current().pid());
  }

  @Test
  void logMetrics_resumeLogsAStepAgain_keepsOnePointPerKeyAndStep() throws Exception {
    LocalRunStore killed = new LocalRunStore(new LocalTrackerConfig(false));
    killed.start(spec("h1"));
    killed.logMetrics(Map.of("valid/recall@20", 0.1, "train/loss", 2.0), 1);
    killed.logMetrics(Map.of("valid/recall@20", 0.2, "train/loss", 1.5), 2); // the epoch whose checkpoint was lost
    killed.close(); // as after a kill: nothing more of this attempt is written

    try (LocalRunStore resumed = new LocalRunStore(new LocalTrackerConfig(false))) {
      resumed.start(spec("h1"));
      resumed.logMetrics(Map.of("valid/recall@20", 0.25, "train/loss", 1.4), 2); // epoch 2 again
      resumed.logMetrics(Map.of("valid/recall@20", 0.3, "train/loss", 1.2), 3);
      resumed.finish("FINISHED");
    }

    Path history = tmp.resolve("exp/h1").resolve(LocalRunStore.HISTORY_FILE);
    assertThat(Files.readAllLines(history)).hasSize(6);
    assertThat(LocalRun.read(tmp.resolve("exp/h1")).historyByKey().get("valid/recall@20"))
        .extracting(MetricPoint::step, MetricPoint::value).containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 0.1),
            org.assertj.core.groups.Tuple.tuple(2L, 0.25), org.assertj.core.groups.Tuple.tuple(3L, 0.3));
  }

  @Test
  void start_historyWithTruncatedLineAndDuplicates_compactedBeforeAppending() throws Exception {
    Path dir = tmp.resolve("exp/h2");
    Files.createDirectories(dir);
    Path history = dir.resolve(LocalRunStore.HISTORY_FILE);
    Files.writeString(history, "{\"key\":\"m\",\"value\":1.0,\"step\":1,\"timestamp\":5}\n"
        + "{\"key\":\"m\",\"value\":1.5,\"step\":1,\"timestamp\":6}\n{\"key\":\"m\",\"val");

    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(spec("h2"));
      store.logMetrics(Map.of("m", 2.0), 2);
      store.finish("FINISHED");
    }

    assertThat(Files.readAllLines(history)).hasSize(2);
    LocalRun run = LocalRun.read(dir);
    assertThat(run.skippedLines()).isZero();
    assertThat(run.history()).extracting(MetricPoint::value).containsExactly(1.5, 2.0);
  }

  @Test
  void read_historyWithDuplicateKeyAndStep_lastValueOnce() throws Exception {
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(spec("h3"));
      store.finish("FINISHED");
    }
    Path history = tmp.resolve("exp/h3").resolve(LocalRunStore.HISTORY_FILE);
    Files.writeString(history, "{\"key\":\"m\",\"value\":1.0,\"step\":1,\"timestamp\":5}\n"
        + "{\"key\":\"m\",\"value\":3.0,\"step\":1,\"timestamp\":9}\n");

    assertThat(LocalRun.read(tmp.resolve("exp/h3")).history()).extracting(MetricPoint::value).containsExactly(3.0);
  }

  @Test
  void logMetrics_runDirectoryRemovedMidRun_failsWithCauseAndDoesNotRecreateIt() throws Exception {
    LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false));
    store.start(spec("v1"));
    Path dir = tmp.resolve("exp/v1");
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    assertThatThrownBy(() -> store.logMetrics(Map.of("m", 1.0), 1)).isInstanceOf(java.io.UncheckedIOException.class)
        .hasRootCauseInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("removed");
    Files.createDirectories(dir); // another directory of the same name
    assertThatThrownBy(() -> store.logParams(Map.of("a", "1"))).hasMessageContaining("removed");
    store.close(); // never throws
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void logParamsAndTags_uriWithPassword_storedMasked() throws Exception {
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(new RunSpec("exp", "s", "s1", tmp.resolve("exp/s1"), null, Map.of("src", "http://u:pw1@h")));
      store.logParams(Map.of("tracking.uri", "http://u:pw1@h:5000"));
      store.setTags(Map.of("t", "https://pw1@h"));
      store.finish("FINISHED");
    }
    LocalRun run = LocalRun.read(tmp.resolve("exp/s1"));

    assertThat(run.params()).containsEntry("tracking.uri", "http://u:***@h:5000");
    assertThat(run.tags()).containsEntry("src", "http://u:***@h").containsEntry("t", "https://***@h");
    try (java.util.stream.Stream<Path> s = Files.walk(run.dir())) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("pw1");
      }
    }
  }

  @Test
  void read_runningRunWhosePidWasReused_isInterrupted() throws Exception {
    Path dir = tmp.resolve("exp/p1");
    Map<String, Object> runJson = new LinkedHashMap<>();
    runJson.put("experiment", "exp");
    runJson.put("runId", "p1");
    runJson.put("status", "RUNNING");
    runJson.put("startTime", 1L);
    ProcessHandle alive = ProcessHandle.current().parent().orElseThrow(); // a live process that is not us
    runJson.put("pid", alive.pid());
    long started = alive.info().startInstant().orElseThrow().toEpochMilli();
    runJson.put("pidStartTime", started - 3_600_000L); // the run's process started an hour earlier: not this one
    Json.write(dir.resolve(LocalRunStore.RUN_FILE), runJson);
    assertThat(LocalRun.read(dir).status()).isEqualTo("INTERRUPTED");

    runJson.put("pidStartTime", started);
    Json.write(dir.resolve(LocalRunStore.RUN_FILE), runJson);
    assertThat(LocalRun.read(dir).status()).isEqualTo("RUNNING");
  }
}
