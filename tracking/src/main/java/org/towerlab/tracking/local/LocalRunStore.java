package org.towerlab.tracking.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.tracking.Secrets;

/**
 * The local run store: the tracker that is always written, into {@link RunSpec#runDir()}.
 *
 * <pre>
 * run.json               experiment, name, ids, parent, status, start/end time (ms), pid and the
 *                        process's start time (ms)
 * run.lock               the writer's OS lock ({@link RunLock}): pid, host and time of the holder
 * params.json            the flattened effective config (dotted keys)
 * tags.json              tags
 * metrics-history.jsonl  one {"key","value","step","timestamp"} per line, at most one per (key, step)
 * artifacts.json         [{"path": relative to the run dir, "dir": artifact dir}]
 * artifacts/&lt;dir&gt;/...    copies of artifacts that were outside the run dir
 * </pre>
 *
 * Every JSON file is replaced atomically ({@link AtomicFiles}); the history is appended to, and
 * its reader skips a truncated last line. The history holds one point per (key, step): a run
 * resumed after a kill that logs a step again (the epoch whose checkpoint was not written yet)
 * replaces the earlier point, and {@link #start} drops duplicates and a truncated last line left
 * by a crash. One process at a time writes a run: {@link #start} takes the {@link RunLock} and
 * refuses a second writer. A JVM shutdown hook marks a run still {@code RUNNING} as
 * {@code INTERRUPTED}; a run killed without hooks (SIGKILL) is reported as interrupted by
 * {@link LocalRun#read} because its recorded process (pid and start time) is gone.
 *
 * <p>Param and tag values are stored with URI credentials masked ({@link Secrets#redact}).
 *
 * <p>If the run directory disappears while the run writes (deleted, or replaced by a directory of
 * the same name), every later write fails with the reason instead of recreating it.
 */
public final class LocalRunStore implements Tracker {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRunStore.class);
  public static final String RUN_FILE = "run.json";
  public static final String PARAMS_FILE = "params.json";
  public static final String TAGS_FILE = "tags.json";
  public static final String HISTORY_FILE = "metrics-history.jsonl";
  public static final String ARTIFACTS_FILE = "artifacts.json";
  public static final String ARTIFACTS_DIR = "artifacts";

  /** Terminal statuses accepted by {@link #finish}. */
  public static final Set<String> END_STATUSES = Set.of("FINISHED", "FAILED", "KILLED");

  private final LocalTrackerConfig config;
  private final Clock clock;
  private RunSpec spec;
  private Path dir;
  private final Map<String, Object> run = new LinkedHashMap<>();
  private final Map<String, String> params = new TreeMap<>();
  private final Map<String, String> tags = new TreeMap<>();
  private final List<ArtifactEntry> artifacts = new ArrayList<>();
  /** The (key, step) pairs in the history file, as {@code key + '\n' + step}. */
  private final Set<String> logged = new HashSet<>();
  private Thread shutdownHook;
  private RunLock lock;
  private Object dirKey;
  private Object lockKey;

  public LocalRunStore(LocalTrackerConfig config) {
    this(config, Clock.systemUTC());
  }

  public LocalRunStore(LocalTrackerConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public synchronized void start(RunSpec spec) {
    if (this.spec != null) {
      throw new IllegalStateException("run " + this.spec.runId() + " already started on this tracker");
    }
    this.spec = spec;
    this.dir = spec.runDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      dirKey = fileKey(dir);
    } catch (IOException e) {
      this.spec = null;
      throw new UncheckedIOException("Cannot create run directory " + dir + ": " + e.getMessage(), e);
    }
    try {
      lock = RunLock.acquire(dir, spec.runId());
      lockKey = fileKey(dir.resolve(RunLock.FILE));
    } catch (RuntimeException e) {
      releaseLock();
      this.spec = null;
      throw e;
    }
    try {
      begin(spec);
    } catch (RuntimeException e) {
      releaseLock();
      throw e;
    }
  }

  private void begin(RunSpec spec) {
    compactHistory();
    run.put("experiment", spec.experiment());
    run.put("runName", spec.runName());
    run.put("runId", spec.runId());
    run.put("parentRunId", spec.parentRunId());
    run.put("status", "RUNNING");
    run.put("startTime", clock.millis());
    run.put("endTime", null);
    run.put("pid", ProcessHandle.current().pid());
    run.put("pidStartTime", processStartMillis(ProcessHandle.current()));
    writeRun();
    tags.putAll(Secrets.redact(spec.tags()));
    Json.write(dir.resolve(TAGS_FILE), tags, config.fsync());
    shutdownHook = new Thread(this::markInterrupted, "towerlab-run-" + spec.runId() + "-interrupted");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The local run id. */
  @Override
  public String runId() {
    return spec().runId();
  }

  /** The run directory (absolute). */
  public Path runDir() {
    spec();
    return dir;
  }

  @Override
  public synchronized void logParams(Map<String, String> newParams) {
    spec();
    checkDir();
    params.putAll(Secrets.redact(newParams));
    Json.write(dir.resolve(PARAMS_FILE), params, config.fsync());
  }

  @Override
  public synchronized void logMetrics(Map<String, Double> metrics, long step) {
    logMetricPoints(metrics, step);
  }

  /** As {@link #logMetrics} and returns the points written, with their timestamps. */
  public synchronized List<MetricPoint> logMetricPoints(Map<String, Double> metrics, long step) {
    spec();
    checkDir();
    long now = clock.millis();
    List<MetricPoint> points = new ArrayList<>();
    boolean again = false;
    for (Map.Entry<String, Double> e : new TreeMap<>(metrics).entrySet()) {
      points.add(new MetricPoint(e.getKey(), e.getValue(), step, now));
      again |= logged.contains(e.getKey() + "\n" + step);
    }
    Path history = dir.resolve(HISTORY_FILE);
    if (again) {
      // a step logged before (a resumed run redoing the epoch a kill interrupted): replace its points
      Map<String, MetricPoint> all = readPoints(history, new int[1]);
      for (MetricPoint p : points) {
        all.put(p.key() + "\n" + p.step(), p);
      }
      writeHistory(history, all.values());
    } else {
      for (MetricPoint p : points) {
        AtomicFiles.appendLine(history, line(p), config.fsync());
      }
    }
    for (MetricPoint p : points) {
      logged.add(p.key() + "\n" + p.step());
    }
    return points;
  }

  /**
   * Rewrites a history left by an earlier attempt of this run when it holds a truncated line (a
   * kill mid-write) or a (key, step) twice (histories written before this rule), keeping the last
   * value of each (key, step); remembers the logged pairs.
   */
  private void compactHistory() {
    Path history = dir.resolve(HISTORY_FILE);
    if (!Files.isRegularFile(history)) {
      return;
    }
    int[] dropped = new int[1];
    Map<String, MetricPoint> points = readPoints(history, dropped);
    boolean endsClean;
    try {
      endsClean = Files.size(history) == 0 || lastByte(history) == '\n';
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + history + ": " + e.getMessage(), e);
    }
    if (dropped[0] > 0 || !endsClean) {
      writeHistory(history, points.values());
    }
    logged.addAll(points.keySet());
  }

  /** The points of a history file by (key, step), the last value winning; {@code dropped[0]} counts lines dropped. */
  private static Map<String, MetricPoint> readPoints(Path history, int[] dropped) {
    List<MetricPoint> list = new ArrayList<>();
    int skipped = LocalRun.readHistoryFile(history, list);
    Map<String, MetricPoint> byKeyStep = new LinkedHashMap<>();
    for (MetricPoint p : list) {
      byKeyStep.put(p.key() + "\n" + p.step(), p);
    }
    dropped[0] = skipped + list.size() - byKeyStep.size();
    return byKeyStep;
  }

  private void writeHistory(Path history, Iterable<MetricPoint> points) {
    StringBuilder sb = new StringBuilder();
    for (MetricPoint p : points) {
      sb.append(line(p)).append('\n');
    }
    AtomicFiles.write(history, sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), config.fsync());
  }

  private static String line(MetricPoint p) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("key", p.key());
    double v = p.value();
    if (Double.isFinite(v)) {
      line.put("value", v);
    } else {
      line.put("value", Double.toString(v)); // "NaN", "Infinity": JSON has no such numbers
    }
    line.put("step", p.step());
    line.put("timestamp", p.timestamp());
    return Json.line(line);
  }

  private static int lastByte(Path file) throws IOException {
    try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.position(ch.size() - 1).read(b);
      return b.get(0);
    }
  }

  /** Start time of the run, epoch milliseconds. */
  public synchronized long startTime() {
    spec();
    return (Long) run.get("startTime");
  }

  @Override
  public synchronized void setTags(Map<String, String> newTags) {
    spec();
    checkDir();
    tags.putAll(Secrets.redact(newTags));
    Json.write(dir.resolve(TAGS_FILE), tags, config.fsync());
  }

  /**
   * Records the artifact. A file inside the run directory stays where it is; a file outside is
   * copied (atomically) to {@code artifacts/<artifactDir>/<name>}.
   */
  @Override
  public synchronized void logArtifact(Path file, String artifactDir) {
    logArtifactEntry(file, artifactDir);
  }

  /** As {@link #logArtifact} and returns the recorded entry. */
  public synchronized ArtifactEntry logArtifactEntry(Path file, String artifactDir) {
    spec();
    checkDir();
    String artDir = normalizeDir(artifactDir);
    Path abs = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs)) {
      throw new IllegalArgumentException("artifact is not a file: " + abs);
    }
    Path local;
    if (abs.startsWith(dir)) {
      local = abs;
    } else {
      local = artDir.isEmpty() ? dir.resolve(ARTIFACTS_DIR).resolve(abs.getFileName())
          : dir.resolve(ARTIFACTS_DIR).resolve(artDir).resolve(abs.getFileName());
      AtomicFiles.copy(abs, local);
    }
    ArtifactEntry entry = new ArtifactEntry(dir.relativize(local).toString().replace('\\', '/'), artDir);
    if (!artifacts.contains(entry)) {
      artifacts.add(entry);
      Json.write(dir.resolve(ARTIFACTS_FILE), artifacts, config.fsync());
    }
    return entry;
  }

  @Override
  public synchronized void finish(String status) {
    spec();
    if (!END_STATUSES.contains(status)) {
      throw new IllegalArgumentException("run status must be one of " + END_STATUSES + ", got '" + status + "'");
    }
    end(status);
  }

  /**
   * Ends a run that was never finished as {@code INTERRUPTED} (a finished run is left alone) and
   * releases the lock. Never throws: it runs while an earlier error (a full disk) is on its way
   * out, which must not be hidden.
   */
  @Override
  public synchronized void close() {
    try {
      if (spec != null && "RUNNING".equals(run.get("status"))) {
        end("INTERRUPTED");
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot mark run {} interrupted: {}", spec.runId(), e.getMessage());
    } finally {
      removeHook();
      releaseLock();
    }
  }

  /** Current status: RUNNING, FINISHED, FAILED, KILLED or INTERRUPTED. */
  public synchronized String status() {
    return (String) run.get("status");
  }

  synchronized void markInterrupted() {
    if ("RUNNING".equals(run.get("status"))) {
      run.put("status", "INTERRUPTED");
      run.put("endTime", clock.millis());
      try {
        checkDir();
        writeRun();
      } catch (RuntimeException e) {
        // a shutdown hook has nobody to report to; readers see RUNNING of a dead process as INTERRUPTED
      }
    }
  }

  private void end(String status) {
    run.put("status", status);
    run.put("endTime", clock.millis());
    try {
      checkDir();
      writeRun();
    } finally {
      removeHook();
      releaseLock();
    }
  }

  private void releaseLock() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  /**
   * Fails when the run directory is gone or was replaced since {@link #start}: writing on would
   * recreate a partial run somebody removed.
   */
  private void checkDir() {
    // the directory and the lock file in it are the ones of start(); inode numbers alone may be
    // reused by a directory created again at once, the lock file is not recreated by anybody else
    boolean same = Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        && (dirKey == null || dirKey.equals(fileKey(dir)))
        && (lockKey == null || lockKey.equals(fileKey(dir.resolve(RunLock.FILE))));
    if (!same) {
      throw new UncheckedIOException(new NoSuchFileException(dir.toString(), null,
          "the run directory was removed while the run was writing to it"));
    }
  }

  private static Object fileKey(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** A process's start time in epoch milliseconds, or null when the OS does not say. */
  static Long processStartMillis(ProcessHandle process) {
    return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null);
  }

  private void removeHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook is running or has run
      }
      shutdownHook = null;
    }
  }

  private void writeRun() {
    Json.write(dir.resolve(RUN_FILE), run, config.fsync());
  }

  private RunSpec spec() {
    if (spec == null) {
      throw new IllegalStateException("start(RunSpec) has not been called");
    }
    return spec;
  }

  static String normalizeDir(String artifactDir) {
    if (artifactDir == null) {
      return "";
    }
    String d = artifactDir.replace('\\', '/');
    while (d.startsWith("/")) {
      d = d.substring(1);
    }
    while (d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.contains("..")) {
      throw new IllegalArgumentException("artifact directory must not contain '..': '" + artifactDir + "'");
    }
    return d;
  }
}
