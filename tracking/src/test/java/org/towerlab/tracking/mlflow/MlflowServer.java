package org.towerlab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code mlflow server} for the tests: sqlite backend and proxied artifacts under a
 * directory, on a free port of 127.0.0.1.
 *
 * <p>The Python environment comes from {@code scripts/mlflow-venv.sh} (created once, cached under
 * {@code ~/.cache/towerlab/mlflow-venv-2.17.2}). Without python3 the tests FAIL with a clear
 * message, unless {@code -Dtowerlab.mlflow.skip=true} is set: then they are skipped.
 */
final class MlflowServer implements AutoCloseable {
  static final String SKIP_PROPERTY = "towerlab.mlflow.skip";
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "password1234";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static volatile Path python;

  final Path dir;
  final int port;
  final String uri;
  private final Process process;

  private MlflowServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.uri = "http://127.0.0.1:" + port;
    this.process = process;
  }

  /** Starts a server storing into {@code dir} (mlflow.db, art/); {@code basicAuth} adds the auth app. */
  static MlflowServer start(Path dir, boolean basicAuth) {
    Path py = python();
    try {
      Files.createDirectories(dir);
      int port = freePort();
      List<String> cmd = new ArrayList<>(List.of(py.toString(), "-m", "mlflow", "server",
          "--backend-store-uri", "sqlite:///" + dir.toAbsolutePath().resolve("mlflow.db"),
          "--artifacts-destination", dir.toAbsolutePath().resolve("art").toString(),
          "--host", "127.0.0.1", "--port", Integer.toString(port), "--workers", "1"));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
      Map<String, String> env = pb.environment();
      env.remove("MLFLOW_TRACKING_URI");
      if (basicAuth) {
        cmd.addAll(List.of("--app-name", "basic-auth"));
        pb.command(cmd);
        Path ini = dir.resolve("basic_auth.ini");
        Files.writeString(ini, "[mlflow]\ndefault_permission = READ\n"
            + "database_uri = sqlite:///" + dir.toAbsolutePath().resolve("auth.db") + "\n"
            + "admin_username = " + ADMIN + "\nadmin_password = " + ADMIN_PASSWORD + "\n"
            + "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n");
        env.put("MLFLOW_AUTH_CONFIG_PATH", ini.toString());
        env.put("MLFLOW_FLASK_SERVER_SECRET_KEY", "towerlab-test-secret");
      }
      MlflowServer s = new MlflowServer(dir, port, pb.start());
      s.awaitHealthy();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start mlflow server in " + dir + ": " + e, e);
    }
  }

  /** Kills the server and all its workers at once (SIGKILL), as a crash would. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("mlflow server exited with code " + process.exitValue() + " before /health answered:\n" + logTail());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    kill();
    fail("mlflow server at " + uri + " did not answer /health within " + STARTUP_TIMEOUT.toSeconds() + " s:\n"
        + logTail());
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("server.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no server.log)";
    }
  }

  /** The venv's python, created by scripts/mlflow-venv.sh if missing; skips or fails without python3. */
  static synchronized Path python() {
    Assumptions.assumeFalse(Boolean.getBoolean(SKIP_PROPERTY),
        "MLflow server tests skipped (-D" + SKIP_PROPERTY + "=true)");
    if (python != null) {
      return python;
    }
    Path script = repoRoot().resolve("scripts/mlflow-venv.sh");
    if (!Files.isRegularFile(script)) {
      fail("Cannot find " + script + " (set -Dtowerlab.repo.root to the TowerLab checkout).");
    }
    try {
      Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        fail("The MLflow tests need Python 3 to run a real MLflow server, and " + script + " failed (exit "
            + p.exitValue() + "):\n" + new String(err, StandardCharsets.UTF_8) + "\nInstall python3 with the venv"
            + " module (or set TOWERLAB_PYTHON), or skip these tests with -D" + SKIP_PROPERTY + "=true.");
      }
      python = Path.of(new String(out, StandardCharsets.UTF_8).strip());
      return python;
    } catch (IOException e) {
      fail("Cannot run " + script + " (" + e.getMessage() + "): the MLflow tests need bash and python3, or -D"
          + SKIP_PROPERTY + "=true.");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path repoRoot() {
    String root = System.getProperty("towerlab.repo.root");
    return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
