package org.towerlab.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.tracking.local.LocalRun;

/**
 * A server killed mid-run, a run started while it is down, then a new server on the same store and
 * {@code mlflow sync}: nothing lost, nothing duplicated, and a second sync changes nothing.
 */
class MlflowFaultTest {
  @TempDir
  Path tmp;
  private MlflowServer first;
  private MlflowServer second;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(MlflowTracker.class)).detachAppender(logs);
    for (MlflowServer s : new MlflowServer[] {first, second}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void serverKilledMidRun_thenSync_nothingLostNothingDuplicated() throws Exception {
    ((Logger) LoggerFactory.getLogger(MlflowTracker.class)).addAppender(logs);
    logs.start();
    Path store = tmp.resolve("server");
    Path runs = tmp.resolve("runs");
    first = MlflowServer.start(store, false);
    MlflowTrackerConfig config = new MlflowTrackerConfig(first.uri, null, null);

    Path aDir = runs.resolve("fault/a");
    Files.createDirectories(aDir);
    Path early = Files.writeString(aDir.resolve("config.yaml"), "model: {type: two-tower}\n");
    Path late = Files.writeString(aDir.resolve("leaderboard.csv"), "run,recall@20\na,0.3\n");
    String mlflowId;
    try (MlflowTracker a = new MlflowTracker(config, Map.of())) {
      a.start(new RunSpec("fault", "a", "a", aDir, null, Map.of("protocol", "p")));
      mlflowId = a.runId();
      a.logParams(Map.of("trainer.epochs", "5"));
      a.logArtifact(early, "");
      a.logMetrics(Map.of("valid/recall@20", 0.1), 1);
      a.logMetrics(Map.of("valid/recall@20", 0.2), 2);
      first.kill(); // mid-run
      for (int epoch = 3; epoch <= 5; epoch++) {
        a.logMetrics(Map.of("valid/recall@20", 0.1 * epoch), epoch); // training goes on
      }
      a.setTags(Map.of("git.commit", "abc"));
      a.logArtifact(late, "");
      a.finish("FINISHED");
      assertThat(a.online()).isFalse();
      assertThat(a.runId()).isEqualTo(mlflowId);
    }
    Path bDir = runs.resolve("fault/b");
    try (MlflowTracker b = new MlflowTracker(config, Map.of())) { // server down at start
      b.start(new RunSpec("fault", "b", "b", bDir, null, Map.of()));
      b.logMetrics(Map.of("valid/recall@20", 0.4), 1);
      b.finish("FINISHED");
      assertThat(b.runId()).isEqualTo("b"); // the local id until synced
    }

    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains(first.uri).contains("towerlab mlflow sync"));
    assertThat(LocalRun.read(aDir).history()).hasSize(5);
    assertThat(MlflowState.read(aDir).complete).isFalse();
    assertThat(MlflowState.read(aDir).runId).isEqualTo(mlflowId);
    assertThat(MlflowState.read(bDir).runId).isNull();

    second = MlflowServer.start(store, false); // same sqlite db and artifacts, new port
    MlflowSync.Summary s1 = MlflowSync.sync(List.of(runs), second.uri, MlflowCredentials.NONE, false);

    assertThat(s1.runs()).extracting(r -> r.runDir().getFileName() + ":" + r.action())
        .containsExactly("a:completed", "b:created");
    assertThat(s1.runs().get(0).metrics()).isEqualTo(3);
    assertThat(Rest.runIds(second.uri, "fault")).hasSize(2).contains(mlflowId);
    assertThat(Rest.history(second.uri, mlflowId, "valid/recall_at_20")).extracting(p -> p[0])
        .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
    assertThat(Rest.run(second.uri, mlflowId).at("/info/status").asText()).isEqualTo("FINISHED");
    assertThat(Rest.tags(second.uri, mlflowId)).containsEntry("git.commit", "abc");
    assertThat(Rest.params(second.uri, mlflowId)).containsEntry("trainer.epochs", "5");
    String art = Rest.run(second.uri, mlflowId).at("/info/artifact_uri").asText()
        .substring("mlflow-artifacts:/".length());
    assertThat(Rest.bytes(second.uri, "mlflow-artifacts/artifacts/" + art + "/leaderboard.csv"))
        .isEqualTo(Files.readAllBytes(late));
    assertThat(Rest.bytes(second.uri, "mlflow-artifacts/artifacts/" + art + "/config.yaml"))
        .isEqualTo(Files.readAllBytes(early));
    String bId = MlflowState.read(bDir).runId;
    assertThat(Rest.history(second.uri, bId, "valid/recall_at_20")).hasSize(1);
    assertThat(MlflowState.read(aDir).complete).isTrue();

    MlflowSync.Summary s2 = MlflowSync.sync(List.of(runs), second.uri, MlflowCredentials.NONE, false);
    Files.delete(bDir.resolve(MlflowState.FILE)); // a crash right after the run was created
    MlflowSync.Summary s3 = MlflowSync.sync(List.of(bDir), second.uri, MlflowCredentials.NONE, false);

    assertThat(s2.runs()).extracting(MlflowSync.RunResult::action).containsExactly("up-to-date", "up-to-date");
    assertThat(s3.runs()).extracting(MlflowSync.RunResult::mlflowRunId).containsExactly(bId);
    assertThat(Rest.runIds(second.uri, "fault")).hasSize(2);
    assertThat(Rest.history(second.uri, mlflowId, "valid/recall_at_20")).hasSize(5);
    assertThat(Rest.history(second.uri, bId, "valid/recall_at_20")).hasSize(1);
  }
}
