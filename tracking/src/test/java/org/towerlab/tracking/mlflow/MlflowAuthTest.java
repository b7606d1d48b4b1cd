package org.towerlab.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
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
}
