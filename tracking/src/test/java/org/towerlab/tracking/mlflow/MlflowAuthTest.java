package org.towerlab.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.tracking.local.LocalRun;

/** A real server started with {@code --app-name basic-auth}. */
class MlflowAuthTest {
  @TempDir
  static Path tmp;
  static MlflowServer server;

  @BeforeAll
  static void startServer() {
    server = MlflowServer.start(tmp.resolve("server"), true);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static Map<String, String> env(String user, String password) {
    return Map.of("MLFLOW_TRACKING_URI", server.uri, "MLFLOW_TRACKING_USERNAME", user,
        "MLFLOW_TRACKING_PASSWORD", password);
  }

  @Test
  void start_wrongPassword_failsWithClearMessageAndMarksLocalRunFailed() {
    Path runDir = tmp.resolve("runs/auth/bad");
    MlflowTracker t = new MlflowTracker(new MlflowTrackerConfig(null, null, null), env(MlflowServer.ADMIN, "nope"));

    assertThatThrownBy(() -> t.start(new RunSpec("auth", "bad", "bad", runDir, null, Map.of())))
        .isInstanceOf(UserException.class)
        .hasMessageContaining(server.uri).hasMessageContaining("HTTP 401")
        .hasMessageContaining("user 'admin'").hasMessageContaining("MLFLOW_TRACKING_PASSWORD")
        .hasMessageNotContaining("nope");
    assertThat(LocalRun.read(runDir).status()).isEqualTo("FAILED");
  }

  @Test
  void start_noCredentials_failsWithClearMessage() {
    MlflowTracker t = new MlflowTracker(new MlflowTrackerConfig(server.uri, null, null), Map.of());

    assertThatThrownBy(() -> t.start(new RunSpec("auth", "anon", "anon", tmp.resolve("runs/auth/anon"), null,
        Map.of()))).isInstanceOf(UserException.class).hasMessageContaining("no credentials");
  }

  @Test
  void run_rightCredentials_isLoggedAndReadable() {
    Path runDir = tmp.resolve("runs/auth/good");
    String runId;
    try (MlflowTracker t = new MlflowTracker(new MlflowTrackerConfig(null, null, null),
        env(MlflowServer.ADMIN, MlflowServer.ADMIN_PASSWORD))) {
      t.start(new RunSpec("auth", "good", "good", runDir, null, Map.of("protocol", "p")));
      t.logParams(Map.of("a", "1"));
      t.logMetrics(Map.of("test/recall@5", 0.5), 1);
      t.finish("FINISHED");
      runId = t.runId();
      assertThat(t.online()).isTrue();
    }

    try (MlflowGateway g = new MlflowGateway(server.uri,
        new MlflowCredentials(MlflowServer.ADMIN, MlflowServer.ADMIN_PASSWORD, null), false)) {
      JsonNode run = g.getRun(runId).orElseThrow();
      assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
      assertThat(Rest.kv(run.at("/data/params"))).containsEntry("a", "1");
      assertThat(g.metricHistory(runId, "test/recall_at_5")).extracting(p -> p.value()).containsExactly(0.5);
    }
  }

  @Test
  void run_credentialsInTrackingUri_sentAsBasicAuthAndNeverWritten() throws Exception {
    String withCreds = server.uri.replace("http://", "http://" + MlflowServer.ADMIN + ":" + MlflowServer.ADMIN_PASSWORD
        + "@");
    Path runDir = tmp.resolve("runs/auth/uri");
    String runId;
    try (MlflowTracker t = new MlflowTracker(new MlflowTrackerConfig(null, null, null),
        Map.of("MLFLOW_TRACKING_URI", withCreds))) {
      t.start(new RunSpec("auth-uri", "uri", "uri", runDir, null, Map.of("origin", withCreds)));
      t.logParams(Map.of("tracking.uri", withCreds, "a", "1"));
      t.setTags(Map.of("note", "pushed to " + withCreds));
      t.logMetrics(Map.of("test/recall@5", 0.5), 1);
      t.finish("FINISHED");
      runId = t.runId();
      assertThat(t.online()).isTrue();
    }

    String masked = server.uri.replace("http://", "http://" + MlflowServer.ADMIN + ":***@");
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(runDir)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        assertThat(java.nio.file.Files.readString(f)).as(f.toString()).doesNotContain(MlflowServer.ADMIN_PASSWORD);
      }
    }
    assertThat(MlflowState.read(runDir).uri).isEqualTo(server.uri);
    try (MlflowGateway g = new MlflowGateway(server.uri,
        new MlflowCredentials(MlflowServer.ADMIN, MlflowServer.ADMIN_PASSWORD, null), false)) {
      JsonNode run = g.getRun(runId).orElseThrow();
      assertThat(run.toString()).doesNotContain(MlflowServer.ADMIN_PASSWORD);
      assertThat(Rest.kv(run.at("/data/params"))).containsEntry("tracking.uri", masked);
      assertThat(Rest.kv(run.at("/data/tags"))).containsEntry("note", "pushed to " + masked)
          .containsEntry("origin", masked);
    }
  }

  @Test
  void start_wrongPasswordInTrackingUri_messageNamesTheUriSourceWithoutThePassword() throws Exception {
    String withCreds = server.uri.replace("http://", "http://" + MlflowServer.ADMIN + ":WrongPw4711@");
    Path runDir = tmp.resolve("runs/auth/uri-bad");
    MlflowTracker t = new MlflowTracker(new MlflowTrackerConfig(withCreds, null, null), Map.of());

    assertThatThrownBy(() -> t.start(new RunSpec("auth", "uri-bad", "uri-bad", runDir, null, Map.of())))
        .isInstanceOf(UserException.class).hasMessageContaining("HTTP 401").hasMessageContaining(server.uri)
        .hasMessageContaining("from the tracking URI").hasMessageNotContaining("WrongPw4711");
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(runDir)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        assertThat(java.nio.file.Files.readString(f)).as(f.toString()).doesNotContain("WrongPw4711");
      }
    }
  }

  @Test
  void sync_historyWithAStepLoggedTwice_sendsOnePointPerKeyAndStepEver() throws Exception {
    Path runDir = tmp.resolve("runs/auth-sync/twice");
    try (org.towerlab.tracking.local.LocalRunStore store = new org.towerlab.tracking.local.LocalRunStore(
        new org.towerlab.tracking.local.LocalTrackerConfig(false))) {
      store.start(new RunSpec("auth-sync", "twice", "twice", runDir, null, Map.of()));
      store.logMetrics(Map.of("valid/recall@20", 0.1), 1);
      store.logMetrics(Map.of("valid/recall@20", 0.2), 2);
      store.finish("FINISHED");
    }
    // a history written before the store kept one point per (key, step): two writers, or a resume
    java.nio.file.Files.writeString(runDir.resolve(org.towerlab.tracking.local.LocalRunStore.HISTORY_FILE),
        "{\"key\":\"valid/recall@20\",\"value\":0.25,\"step\":2,\"timestamp\":99}\n",
        java.nio.file.StandardOpenOption.APPEND);
    MlflowCredentials admin = new MlflowCredentials(MlflowServer.ADMIN, MlflowServer.ADMIN_PASSWORD, null);

    MlflowSync.Summary first = MlflowSync.sync(List.of(runDir), server.uri, admin, false);
    MlflowSync.Summary second = MlflowSync.sync(List.of(runDir), server.uri, admin, false);

    assertThat(first.runs()).extracting(MlflowSync.RunResult::metrics).containsExactly(2);
    assertThat(second.runs()).extracting(MlflowSync.RunResult::action).containsExactly("up-to-date");
    try (MlflowGateway g = new MlflowGateway(server.uri, admin, false)) {
      assertThat(g.metricHistory(MlflowState.read(runDir).runId, "valid/recall_at_20"))
          .extracting(p -> p.step() + "=" + p.value()).containsExactlyInAnyOrder("1=0.1", "2=0.25");
    }
  }
}
