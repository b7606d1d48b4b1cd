package org.towerlab.tracking.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;

/**
 * The local run store: the tracker that is always written, into {@link RunSpec#runDir()}.
 *
 * <pre>
 * run.json               experiment, name, ids, parent, status, start/end time (ms), pid
 * params.json            the flattened effective config (dotted keys)
 * tags.json              tags
 * metrics-history.jsonl  one {"key","value","step","timestamp"} per line, append-only
 * artifacts.json         [{"path": relative to the run dir, "dir": artifact dir}]
 * artifacts/&lt;dir&gt;/...    copies of artifacts that were outside the run dir
 * </pre>
 *
 * Every JSON file is replaced atomically ({@link AtomicFiles}); the history is append-only and
 * its reader skips a truncated last line. A JVM shutdown hook marks a run still {@code RUNNING}
 * as {@code INTERRUPTED}; a run killed without hooks (SIGKILL) is reported as interrupted by
 * {@link LocalRun#read} because its recorded process is gone.
 */
public final class LocalRunStore implements Tracker {
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
  private Thread shutdownHook;

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
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create run directory " + dir + ": " + e.getMessage(), e);
    }
    run.put("experiment", spec.experiment());
    run.put("runName", spec.runName());
    run.put("runId", spec.runId());
    run.put("parentRunId", spec.parentRunId());
    run.put("status", "RUNNING");
    run.put("startTime", clock.millis());
    run.put("endTime", null);
    run.put("pid", ProcessHandle.current().pid());
    writeRun();
    tags.putAll(spec.tags());
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
    params.putAll(newParams);
    Json.write(dir.resolve(PARAMS_FILE), params, config.fsync());
  }

  @Override
  public synchronized void logMetrics(Map<String, Double> metrics, long step) {
    logMetricPoints(metrics, step);
  }

  /** As {@link #logMetrics} and returns the points written, with their timestamps. */
  public synchronized List<MetricPoint> logMetricPoints(Map<String, Double> metrics, long step) {
    spec();
    long now = clock.millis();
    List<MetricPoint> points = new ArrayList<>();
    for (Map.Entry<String, Double> e : new TreeMap<>(metrics).entrySet()) {
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("key", e.getKey());
      double v = e.getValue();
      if (Double.isFinite(v)) {
        line.put("value", v);
      } else {
        line.put("value", Double.toString(v)); // "NaN", "Infinity": JSON has no such numbers
      }
      line.put("step", step);
      line.put("timestamp", now);
      AtomicFiles.appendLine(dir.resolve(HISTORY_FILE), Json.line(line), config.fsync());
      points.add(new MetricPoint(e.getKey(), v, step, now));
    }
    return points;
  }

  /** Start time of the run, epoch milliseconds. */
  public synchronized long startTime() {
    spec();
    return (Long) run.get("startTime");
  }

  @Override
  public synchronized void setTags(Map<String, String> newTags) {
    spec();
    tags.putAll(newTags);
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

  /** Ends a run that was never finished as {@code INTERRUPTED}; a finished run is left alone. */
  @Override
  public synchronized void close() {
    if (spec != null && "RUNNING".equals(run.get("status"))) {
      end("INTERRUPTED");
    }
    removeHook();
  }

  /** Current status: RUNNING, FINISHED, FAILED, KILLED or INTERRUPTED. */
  public synchronized String status() {
    return (String) run.get("status");
  }

  synchronized void markInterrupted() {
    if ("RUNNING".equals(run.get("status"))) {
      run.put("status", "INTERRUPTED");
      run.put("endTime", clock.millis());
      writeRun();
    }
  }

  private void end(String status) {
    run.put("status", status);
    run.put("endTime", clock.millis());
    writeRun();
    removeHook();
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
