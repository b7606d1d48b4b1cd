package org.towerlab.tracking.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.towerlab.api.UserException;

/**
 * A run read back from the local run store (see {@link LocalRunStore} for the layout). Reading is
 * tolerant of a run killed part-way: a truncated last history line is skipped and counted in
 * {@link #skippedLines()}, a (key, step) logged twice (a history written before the store kept
 * one point per pair) counts once with its last value, and a run whose {@code run.json} still says
 * {@code RUNNING} while its process is gone is reported as {@code INTERRUPTED}. A process is the
 * pid together with its start time: a pid reused by another process does not keep a dead run
 * alive.
 *
 * @param parentRunId the parent id given at start (a local run id or an MLflow run id), or null
 */
public record LocalRun(Path dir, String experiment, String runName, String runId, String parentRunId,
    String status, long startTime, Long endTime, Map<String, String> params, Map<String, String> tags,
    List<MetricPoint> history, List<ArtifactEntry> artifacts, int skippedLines) {

  /** Whether {@code dir} holds a run (a {@code run.json}). */
  public static boolean isRunDir(Path dir) {
    return Files.isRegularFile(dir.resolve(LocalRunStore.RUN_FILE));
  }

  /**
   * The run directories at or under {@code root} (a run dir, an experiment dir or a runs root),
   * sorted by path.
   */
  public static List<Path> find(Path root) {
    if (isRunDir(root)) {
      return List.of(root.toAbsolutePath().normalize());
    }
    if (!Files.isDirectory(root)) {
      throw new UserException("No TowerLab run at " + root + ": the path does not exist or holds no run.json. "
          + "Pass a run directory (runs/<experiment>/<run-id>), an experiment directory or the runs root.");
    }
    try (Stream<Path> s = Files.walk(root, 3)) {
      return s.filter(p -> p.getFileName().toString().equals(LocalRunStore.RUN_FILE))
          .map(p -> p.getParent().toAbsolutePath().normalize())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list runs under " + root + ": " + e.getMessage(), e);
    }
  }

  /** Reads the run in {@code dir}. */
  public static LocalRun read(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    if (!isRunDir(d)) {
      throw new UserException("No TowerLab run at " + d + " (no " + LocalRunStore.RUN_FILE
          + "). Pass a directory runs/<experiment>/<run-id> written by a TowerLab run.");
    }
    JsonNode run = Json.read(d.resolve(LocalRunStore.RUN_FILE), JsonNode.class);
    String status = run.path("status").asText("RUNNING");
    if ("RUNNING".equals(status) && run.hasNonNull("pid")
        && !alive(run.get("pid").asLong(), run.hasNonNull("pidStartTime") ? run.get("pidStartTime").asLong() : null)) {
      status = "INTERRUPTED";
    }
    Map<String, String> params = readMap(d.resolve(LocalRunStore.PARAMS_FILE));
    Map<String, String> tags = readMap(d.resolve(LocalRunStore.TAGS_FILE));
    List<ArtifactEntry> artifacts = Files.isRegularFile(d.resolve(LocalRunStore.ARTIFACTS_FILE))
        ? Json.MAPPER.convertValue(Json.read(d.resolve(LocalRunStore.ARTIFACTS_FILE), JsonNode.class),
            new TypeReference<List<ArtifactEntry>>() {})
        : List.of();
    List<MetricPoint> all = new ArrayList<>();
    int skipped = readHistoryFile(d.resolve(LocalRunStore.HISTORY_FILE), all);
    Map<String, MetricPoint> byKeyStep = new LinkedHashMap<>();
    for (MetricPoint p : all) {
      byKeyStep.put(p.key() + "\n" + p.step(), p);
    }
    List<MetricPoint> history = new ArrayList<>(byKeyStep.values());
    return new LocalRun(d, text(run, "experiment"), text(run, "runName"), text(run, "runId"),
        text(run, "parentRunId"), status, run.path("startTime").asLong(0),
        run.hasNonNull("endTime") ? run.get("endTime").asLong() : null, params, tags, List.copyOf(history),
        List.copyOf(artifacts), skipped);
  }

  /** Points per metric key (TowerLab names), each list in logging order. */
  public Map<String, List<MetricPoint>> historyByKey() {
    Map<String, List<MetricPoint>> byKey = new LinkedHashMap<>();
    for (MetricPoint p : history) {
      byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
    }
    return byKey;
  }

  /** The last logged value of each metric (highest step, then latest). */
  public Map<String, Double> lastValues() {
    Map<String, Double> last = new LinkedHashMap<>();
    historyByKey().forEach((k, pts) -> last.put(k, pts.stream()
        .max(Comparator.comparingLong(MetricPoint::step).thenComparingLong(MetricPoint::timestamp))
        .orElseThrow().value()));
    return last;
  }

  /**
   * Whether the process {@code pid} that started at {@code startMillis} (null: unknown, old run
   * files) is alive. The start times are compared within a second: the OS reports them in clock
   * ticks.
   */
  static boolean alive(long pid, Long startMillis) {
    if (pid == ProcessHandle.current().pid()) {
      return true;
    }
    java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty()) {
      return false;
    }
    if (startMillis == null) {
      return true;
    }
    Long now = LocalRunStore.processStartMillis(h.get());
    return now == null || Math.abs(now - startMillis) <= 1000;
  }

  /** Reads every well-formed line of a history file into {@code out}; returns the lines skipped. */
  static int readHistoryFile(Path file, List<MetricPoint> out) {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    int skipped = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = Json.MAPPER.readTree(line);
        JsonNode v = n.get("value");
        if (v == null || !n.hasNonNull("key") || !n.hasNonNull("step")) {
          skipped++;
          continue;
        }
        double value = v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
        out.add(new MetricPoint(n.get("key").asText(), value, n.get("step").asLong(), n.path("timestamp").asLong(0)));
      } catch (IOException | NumberFormatException e) {
        skipped++; // a line cut by a kill mid-write
      }
    }
    return skipped;
  }

  private static Map<String, String> readMap(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    Map<String, String> m = Json.MAPPER.convertValue(Json.read(file, JsonNode.class),
        new TypeReference<LinkedHashMap<String, String>>() {});
    return m == null ? Map.of() : java.util.Collections.unmodifiableMap(m);
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }
}
