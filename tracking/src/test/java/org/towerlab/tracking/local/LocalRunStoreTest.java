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
}
