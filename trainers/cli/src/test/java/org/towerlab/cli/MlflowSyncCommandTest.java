package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.registry.Registry;
import org.towerlab.tracking.local.LocalRunStore;
import org.towerlab.tracking.local.LocalTrackerConfig;

/**
 * {@code towerlab mlflow sync} against a real {@code mlflow server}. The sync logic itself is tested
 * in the tracking module; this checks the command's wiring (URI, credentials from the environment,
 * the per-run lines, idempotence). Uses the venv that {@code scripts/mlflow-venv.sh} caches; skipped
 * when it is absent or with {@code -Dtowerlab.mlflow.skip=true}.
 */
class MlflowSyncCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void sync_realServer_createsThenUpToDate() throws Exception {
    Path runDir = dir.resolve("runs/exp/run-1");
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(new RunSpec("cli-sync", "run 1", "run-1", runDir, null, Map.of("model", "two-tower")));
      store.logParams(Map.of("trainer.epochs", "2"));
      store.logMetrics(Map.of("valid/recall@20", 0.25), 1);
      store.logMetrics(Map.of("valid/recall@20", 0.5), 2);
      store.finish("FINISHED");
    }
    try (MlflowTestServer server = MlflowTestServer.start(dir.resolve("server"))) {
      String uri = server.uri;
      Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", uri);

      ByteArrayOutputStream first = new ByteArrayOutputStream();
      assertThat(cli(env, first).execute("mlflow", "sync", "--runs", dir.resolve("runs").toString())).isZero();
      assertThat(first.toString(StandardCharsets.UTF_8)).contains("created").contains(runDir.toString())
          .contains("1 runs: 1 created, 0 completed, 0 up-to-date, 0 failed (" + uri + ")");

      String mlflowRunId = JSON.readTree(runDir.resolve("mlflow.json").toFile()).path("runId").asText();
      JsonNode run = JSON.readTree(server.get("/api/2.0/mlflow/runs/get?run_id=" + mlflowRunId));
      assertThat(run.path("run").path("info").path("status").asText()).isEqualTo("FINISHED");
      assertThat(run.path("run").path("data").path("metrics").toString()).contains("valid/recall_at_20");

      ByteArrayOutputStream second = new ByteArrayOutputStream();
      assertThat(cli(env, second).execute("mlflow", "sync", runDir.toString())).isZero();
      assertThat(second.toString(StandardCharsets.UTF_8)).contains("up-to-date")
          .contains("1 runs: 0 created, 0 completed, 1 up-to-date, 0 failed");
    }
  }

  private static Towerlab cli(Map<String, String> env, ByteArrayOutputStream out) {
    return new Towerlab(Registry::discover, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }
}
