package org.towerlab.examples;

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
    Path python = venvPython();
    Path runDir = dir.resolve("runs/exp/run-1");
    try (LocalRunStore store = new LocalRunStore(new LocalTrackerConfig(false))) {
      store.start(new RunSpec("cli-sync", "run 1", "run-1", runDir, null, Map.of("model", "two-tower")));
      store.logParams(Map.of("trainer.epochs", "2"));
      store.logMetrics(Map.of("valid/recall@20", 0.25), 1);
      store.logMetrics(Map.of("valid/recall@20", 0.5), 2);
      store.finish("FINISHED");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String uri = "http://127.0.0.1:" + port;
    Path serverDir = Files.createDirectories(dir.resolve("server"));
    ProcessBuilder pb = new ProcessBuilder(List.of(python.toString(), "-m", "mlflow", "server",
        "--backend-store-uri", "sqlite:///" + serverDir.resolve("mlflow.db"),
        "--artifacts-destination", serverDir.resolve("art").toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--workers", "1"))
        .directory(serverDir.toFile()).redirectErrorStream(true)
        .redirectOutput(serverDir.resolve("server.log").toFile());
    pb.environment().remove("MLFLOW_TRACKING_URI");
    Process server = pb.start();
    try {
      awaitHealthy(uri, server, serverDir);
      Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", uri);

      ByteArrayOutputStream first = new ByteArrayOutputStream();
      assertThat(cli(env, first).execute("mlflow", "sync", "--runs", dir.resolve("runs").toString())).isZero();
      assertThat(first.toString(StandardCharsets.UTF_8)).contains("created").contains(runDir.toString())
          .contains("1 runs: 1 created, 0 completed, 0 up-to-date, 0 failed (" + uri + ")");

      String mlflowRunId = JSON.readTree(runDir.resolve("mlflow.json").toFile()).path("runId").asText();
      JsonNode run = JSON.readTree(get(uri + "/api/2.0/mlflow/runs/get?run_id=" + mlflowRunId));
      assertThat(run.path("run").path("info").path("status").asText()).isEqualTo("FINISHED");
      assertThat(run.path("run").path("data").path("metrics").toString()).contains("valid/recall_at_20");

      ByteArrayOutputStream second = new ByteArrayOutputStream();
      assertThat(cli(env, second).execute("mlflow", "sync", runDir.toString())).isZero();
      assertThat(second.toString(StandardCharsets.UTF_8)).contains("up-to-date")
          .contains("1 runs: 0 created, 0 completed, 1 up-to-date, 0 failed");
    } finally {
      List<ProcessHandle> children = server.descendants().toList();
      server.destroy();
      children.forEach(ProcessHandle::destroy);
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        children.forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
      }
    }
  }

  private static Towerlab cli(Map<String, String> env, ByteArrayOutputStream out) {
    return new Towerlab(Registry::discover, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static Path venvPython() {
    Assumptions.assumeFalse(Boolean.getBoolean("towerlab.mlflow.skip"), "MLflow server tests skipped");
    String venv = System.getenv("TOWERLAB_MLFLOW_VENV");
    Path base = venv != null && !venv.isBlank() ? Path.of(venv)
        : Path.of(System.getenv().getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache"))
            .resolve("towerlab/mlflow-venv-2.17.2");
    Path python = base.resolve("bin/python");
    Assumptions.assumeTrue(Files.isExecutable(python), "no MLflow venv at " + base
        + " (scripts/mlflow-venv.sh creates it; the tracking module's tests need it)");
    return python;
  }

  private static void awaitHealthy(String uri, Process server, Path serverDir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as(() -> "mlflow server exited:\n" + log(serverDir)).isTrue();
      try {
        if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("mlflow server at " + uri + " did not answer /health in 120 s:\n" + log(serverDir));
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static String log(Path serverDir) {
    try {
      return Files.readString(serverDir.resolve("server.log"));
    } catch (IOException e) {
      return "(no server.log)";
    }
  }
}
