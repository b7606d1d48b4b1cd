package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.tracking.local.LocalRun;
import org.towerlab.tracking.local.LocalRunStore;

/**
 * Faults around the run store, with real processes where the fault needs one: a second writer of a
 * run refused while the first holds its lock, {@code kill -9} between an epoch's metrics and its
 * checkpoint then {@code --resume} to the same numbers, a full disk, and credentials in a tracking
 * URI that must never be written or printed.
 *
 * <p>The killed run is made to stop at a known point without any timing: its
 * {@code checkpoints/last.ckpt.tmp} is a named pipe, so the first checkpoint write blocks (after
 * the epoch's metrics were logged) until the process is killed.
 */
class RunFaultTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A small trainable run on the simulator, 3 epochs. */
  private static final String CONFIG = """
      name: fault
      seed: 4
      data: {type: simulator, n-users: 80, n-items: 40, interactions-per-user: 12, seed: 5}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 8, hidden: [16], output-dim: 8}
        item-tower: {type: mlp, embedding-dim: 8, hidden: [16], output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      trainer: {type: plain, epochs: 3, batch-size: 64, patience: 0}
      evaluators: [{type: topk, ks: [5, 10]}]
      tracking: {type: local, fsync: false}
      """;

  @TempDir Path tmp;

  @Test
  void killDuringFirstCheckpoint_secondWriterRefusedThenResumeGivesSameMetrics() throws Exception {
    Path file = tmp.resolve("fault.yaml");
    Files.writeString(file, CONFIG);
    Path out = tmp.resolve("runs");
    Path runDir = out.resolve("fault").resolve("fault-" + runHash(file));
    Path fifo = runDir.resolve("checkpoints").resolve("last.ckpt.tmp");
    Files.createDirectories(fifo.getParent());
    Assumptions.assumeTrue(exec("mkfifo", fifo.toString()) == 0, "needs mkfifo (Linux)");

    Path log = tmp.resolve("killed.log");
    Process killed = fork(log, "run", file.toString(), "--out", out.toString(), "--resume");
    try {
      Path history = runDir.resolve(LocalRunStore.HISTORY_FILE);
      awaitLine(history, "\"key\":\"valid/recall@10\"", killed, log);

      // a second writer while the first holds the run: refused, nothing touched
      Map<Path, String> before = snapshot(runDir);
      Cli.Result second = Cli.run("run", file.toString(), "--out", out.toString(), "--resume");
      assertThat(second.code()).as(second.toString()).isEqualTo(2);
      assertThat(second.err()).contains(runDir.toString()).contains("in use by another TowerLab process (pid "
          + killed.pid()).doesNotContain("\tat ");
      assertThat(snapshot(runDir)).isEqualTo(before);
    } finally {
      killed.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      killed.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(LocalRun.read(runDir).status()).isEqualTo("INTERRUPTED");
    assertThat(runDir.resolve("checkpoints/last.ckpt")).doesNotExist();
    Files.delete(fifo);
    Files.writeString(fifo, "half a checkpoi"); // what a kill in the middle of the write leaves

    Cli.Result resumed = Cli.run("run", file.toString(), "--out", out.toString(), "--resume");
    Cli.Result fresh = Cli.run("run", file.toString(), "--out", tmp.resolve("fresh").toString());

    assertThat(resumed.code()).as(resumed.toString()).isZero();
    assertThat(fresh.code()).as(fresh.toString()).isZero();
    Path freshDir = tmp.resolve("fresh").resolve(out.relativize(runDir));
    assertThat(metrics(runDir)).isEqualTo(metrics(freshDir));
    List<String> lines = Files.readAllLines(runDir.resolve(LocalRunStore.HISTORY_FILE));
    assertThat(keySteps(lines)).doesNotHaveDuplicates().hasSameSizeAs(
        Files.readAllLines(freshDir.resolve(LocalRunStore.HISTORY_FILE)));
    assertThat(LocalRun.read(runDir).status()).isEqualTo("FINISHED");
    assertThat(Cli.files(runDir)).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
  }

  @Test
  void diskFullMidRun_exitFourWithTheSystemsReasonNoTempFiles() throws Exception {
    Path file = tmp.resolve("full.yaml");
    // checkpoints of ~170 KB: the space left on the device holds the small files, not them
    Files.writeString(file, CONFIG.replace("embedding-dim: 8, hidden: [16], output-dim: 8",
        "embedding-dim: 64, hidden: [128], output-dim: 64"));
    Path mount = Files.createDirectories(tmp.resolve("full"));
    if (exec("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()) == 0) {
      try {
        long free = Files.getFileStore(mount).getUsableSpace();
        Files.write(mount.resolve("filler"), new byte[(int) (free - 100 * 1024)]);
        Path out = mount.resolve("runs");

        Cli.Result r = Cli.run("run", file.toString(), "--out", out.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(Towerlab.IO_ERROR);
        assertThat(r.err()).contains("Cannot write the checkpoint " + out).contains("No space left on device")
            .contains("--resume").doesNotContain("\tat ")
            .doesNotContain("internal error");
        assertThat(Cli.files(out)).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        Path runDir = Cli.files(out).stream().filter(p -> p.getFileName().toString().equals("run.json")).findFirst()
            .orElseThrow().getParent();
        assertThat(LocalRun.read(runDir).status()).isEqualTo("FAILED");
      } finally {
        exec("umount", "-l", mount.toString());
      }
      return;
    }
    // no tmpfs here (not root): a file-size limit makes the kernel refuse the checkpoint (EFBIG)
    Path out = tmp.resolve("runs");
    Path log = tmp.resolve("efbig.log");
    Process p = fork(log, List.of("bash", "-c", "ulimit -f 100; exec \"$@\"", "towerlab"), "run", file.toString(),
        "--out", out.toString());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(log);
    assertThat(p.exitValue()).as(err).isEqualTo(Towerlab.IO_ERROR);
    assertThat(err).contains("File too large").doesNotContain("\tat ").doesNotContain("internal error");
    assertThat(Cli.files(out)).noneMatch(f -> f.getFileName().toString().endsWith(".tmp"));
  }

  @Test
  void credentialsInTrackingUri_neverWrittenOrPrinted() throws Exception {
    String secret = "S3cretPW-" + ProcessHandle.current().pid();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: the server is down, the run goes on locally
    }
    String uri = "http://admin:" + secret + "@127.0.0.1:" + port;
    Path file = tmp.resolve("cred.yaml");
    Files.writeString(file, CONFIG.replace("epochs: 3", "epochs: 1")
        .replace("tracking: {type: local, fsync: false}", "tracking: {type: mlflow, uri: '" + uri + "'}"));
    Path out = tmp.resolve("runs");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    logs.start();
    try {
      Cli.Result run = Cli.run("run", file.toString(), "--out", out.toString());
      Cli.Result sync = Cli.run("mlflow", "sync", "--runs", out.toString(), "--uri", uri);
      Cli.Result badUri = Cli.run("mlflow", "sync", "--runs", out.toString(), "--uri",
          "ftp://admin:" + secret + "@h");

      assertThat(run.code()).as(run.toString()).isZero();
      assertThat(sync.code()).as(sync.toString()).isEqualTo(Towerlab.NOT_CLEAN);
      assertThat(badUri.code()).isEqualTo(2);
      for (Cli.Result r : List.of(run, sync, badUri)) {
        assertThat(r.out() + r.err()).doesNotContain(secret);
      }
      assertThat(sync.out()).contains("http://admin:***@127.0.0.1:" + port);
      assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(secret));
      List<Path> written = Cli.files(out);
      assertThat(written).extracting(p -> p.getFileName().toString()).contains("effective-config.yaml",
          "config.yaml", "params.json", "provenance.json", "mlflow.json", "metrics.json");
      for (Path f : written) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(secret);
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The run id's hash as the runner computes it: the first 4 bytes of sha256(effective config). */
  private static String runHash(Path file) throws Exception {
    JsonNode effective = new ConfigLoader(Cli.REGISTRY).loadRuns(file, List.of(), Map.of()).get(0).effective();
    byte[] d = MessageDigest.getInstance("SHA-256").digest(effective.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d, 0, 4);
  }

  /** Starts the CLI in a new JVM with this test's class path; its stdout and stderr go to {@code log}. */
  private static Process fork(Path log, String... args) throws IOException {
    return fork(log, List.of(), args);
  }

  private static Process fork(Path log, List<String> prefix, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        Towerlab.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits until {@code file} has a line containing {@code text} (the process writes it, then blocks). */
  private static void awaitLine(Path file, String text, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      if (Files.isRegularFile(file) && Files.readString(file).contains(text)) {
        return;
      }
      assertThat(p.isAlive()).as(() -> "the run ended before its first checkpoint:\n" + read(log)).isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("no line with " + text + " in " + file + " after 300 s:\n" + read(log));
  }

  private static int exec(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Every file's size and modification time. */
  private static Map<Path, String> snapshot(Path dir) throws IOException {
    Map<Path, String> m = new LinkedHashMap<>();
    for (Path f : Cli.files(dir)) {
      m.put(f, Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
    }
    return m;
  }

  /** metrics.json without the wall-clock statistics. */
  private static Map<String, Double> metrics(Path runDir) throws IOException {
    Map<String, Double> m = new LinkedHashMap<>();
    JSON.readTree(runDir.resolve("metrics.json").toFile()).fields().forEachRemaining(e -> {
      String k = e.getKey();
      if (!Reproduction.isTiming(k)) {
        m.put(k, e.getValue().asDouble());
      }
    });
    return m;
  }

  private static List<String> keySteps(List<String> historyLines) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : historyLines) {
      JsonNode n = JSON.readTree(l);
      out.add(n.get("key").asText() + "@" + n.get("step").asLong());
    }
    return out;
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
