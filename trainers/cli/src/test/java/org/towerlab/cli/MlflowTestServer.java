package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code mlflow server} (sqlite store, proxied artifacts) on a free port of 127.0.0.1, from
 * the venv that {@code scripts/mlflow-venv.sh} caches; the test is skipped when the venv is absent
 * or with {@code -Dtowerlab.mlflow.skip=true}. Stopped (with its worker processes) by {@link #close}.
 * Public for the Spark module's tests, which get it through this module's test-jar.
 *
 * <p>Two server versions: the pinned 2.x one ({@link #V2}, every MLflow test) and the pinned 3.x one
 * ({@link #V3}), used only with {@code -Dtowerlab.mlflow3=true} (its venv is created by
 * {@code scripts/mlflow-venv.sh 3}, which {@code .ci/run} calls when {@code TOWERLAB_MLFLOW3=1}).
 */
public final class MlflowTestServer implements AutoCloseable {
  public final String uri;
  private final Process server;
  private final Path dir;

  private MlflowTestServer(String uri, Process server, Path dir) {
    this.uri = uri;
    this.server = server;
    this.dir = dir;
  }

  public static final String V2 = "2.17.2";
  static final String V3 = "3.17.2";
  /** The system property that turns the 3.x server tests on. */
  static final String MLFLOW3 = "towerlab.mlflow3";

  public static MlflowTestServer start(Path dir) throws Exception {
    return start(dir, V2);
  }

  /** A server of {@code version} ({@link #V2} or {@link #V3}). */
  public static MlflowTestServer start(Path dir, String version) throws Exception {
    Path python = venvPython(version);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String uri = "http://127.0.0.1:" + port;
    Path serverDir = Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(List.of(python.toString(), "-m", "mlflow", "server",
        "--backend-store-uri", "sqlite:///" + serverDir.resolve("mlflow.db"),
        "--artifacts-destination", serverDir.resolve("art").toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--workers", "1"))
        .directory(serverDir.toFile()).redirectErrorStream(true)
        .redirectOutput(serverDir.resolve("server.log").toFile());
    pb.environment().remove("MLFLOW_TRACKING_URI");
    MlflowTestServer s = new MlflowTestServer(uri, pb.start(), serverDir);
    try {
      s.awaitHealthy();
    } catch (Exception | AssertionError e) {
      s.close();
      throw e;
    }
    return s;
  }

  static Path venvPython() {
    return venvPython(V2);
  }

  static Path venvPython(String version) {
    Assumptions.assumeFalse(Boolean.getBoolean("towerlab.mlflow.skip"), "MLflow server tests skipped");
    boolean three = version.startsWith("3");
    Assumptions.assumeTrue(!three || Boolean.getBoolean(MLFLOW3), "MLflow " + version + " server tests are opt-in: -D"
        + MLFLOW3 + "=true (after scripts/mlflow-venv.sh 3)");
    String venv = System.getenv(three ? "TOWERLAB_MLFLOW3_VENV" : "TOWERLAB_MLFLOW_VENV");
    Path base = venv != null && !venv.isBlank() ? Path.of(venv)
        : Path.of(System.getenv().getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache"))
            .resolve("towerlab/mlflow-venv-" + version);
    Path python = base.resolve("bin/python");
    if (three && !Files.isExecutable(python)) {
      throw new AssertionError("-D" + MLFLOW3 + "=true but there is no MLflow " + version + " venv at " + base
          + ": create it with scripts/mlflow-venv.sh 3");
    }
    Assumptions.assumeTrue(Files.isExecutable(python), "no MLflow venv at " + base
        + " (scripts/mlflow-venv.sh creates it; the tracking module's tests need it)");
    return python;
  }

  /** The repository root (surefire sets towerlab.repo.root; else two levels above trainers/cli or trainers/spark). */
  static Path repoRoot() {
    String root = System.getProperty("towerlab.repo.root");
    return root != null ? Path.of(root) : Path.of("../..").toAbsolutePath().normalize();
  }

  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as(() -> "mlflow server exited:\n" + log()).isTrue();
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
    throw new AssertionError("mlflow server at " + uri + " did not answer /health in 300 s:\n" + log());
  }

  /** A GET against the server's REST API; asserts HTTP 200. */
  public String get(String pathAndQuery) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** A POST of a JSON body; asserts HTTP 200. */
  public String post(String path, String json) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws Exception {
    List<ProcessHandle> children = server.descendants().toList();
    server.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!server.waitFor(10, TimeUnit.SECONDS)) {
      children.forEach(ProcessHandle::destroyForcibly);
      server.destroyForcibly();
    }
  }
}
