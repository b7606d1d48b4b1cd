package org.towerlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.api.UserException;
import org.towerlab.registry.io.Mappers;
import org.towerlab.tracking.local.LocalRun;

/**
 * {@code towerlab check}: compares a finished run (one run directory, or a grid's parent directory
 * with its children beside it) against a {@link ReplicationRecord}, or writes a record from it.
 *
 * <p>Runs that differ only in {@code seed} form one method (as in the grid summary); a method's
 * value of a metric is its mean over its seeds, and passes when it lies in the record's
 * {@code [low, high]}. The fresh run must have the recorded seeds: the intervals are about the
 * mean over exactly those seeds.
 */
final class ReplicationCheck {
  /** Same pattern as the grid summary's: {@code [seed=3]}, {@code [variant=x,seed=3]}. */
  private static final Pattern SEED = Pattern.compile("(^|,|\\[)seed=(\\d+)(?=,|\\])");

  private ReplicationCheck() {}

  /** One method of a finished run directory: its runs' seeds, metrics and provenance. */
  record MethodRuns(String name, List<Integer> seeds, List<Path> dirs, List<Map<String, Double>> metrics) {}

  /** What a finished run directory holds. */
  record Runs(Path dir, String experiment, String source, List<MethodRuns> methods) {}

  /** One metric's verdict. */
  record Line(String method, String metric, double value, ReplicationRecord.Metric expected) {
    boolean pass() {
      return expected.contains(value);
    }

    String render() {
      return String.format(Locale.ROOT, "%s  %s  %s = %s  %s [%s, %s]  (recorded mean %s)", pass() ? "PASS" : "FAIL",
          method, metric, ReplicationRecord.fmt(value), pass() ? "inside" : "OUTSIDE",
          ReplicationRecord.fmt(expected.low()), ReplicationRecord.fmt(expected.high()),
          ReplicationRecord.fmt(expected.mean()));
    }
  }

  /** Every metric's verdict, in the record's order. */
  record Outcome(List<Line> lines) {
    long failed() {
      return lines.stream().filter(l -> !l.pass()).count();
    }

    boolean passed() {
      return failed() == 0;
    }
  }

  /**
   * The finished runs at {@code dir}: the run itself, or, for a grid's parent, its children (the run
   * directories beside it whose {@code run.json} names it as parent).
   *
   * @throws UserException when {@code dir} is not a run directory, a run is not finished or has no metrics
   */
  static Runs load(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    LocalRun top = LocalRun.read(d);
    List<LocalRun> runs = new ArrayList<>();
    if (Files.isRegularFile(d.resolve("metrics.json"))) {
      runs.add(top);
    } else {
      for (Path sibling : LocalRun.find(d.getParent())) {
        if (sibling.equals(d) || sibling.getParent() == null || !sibling.getParent().equals(d.getParent())) {
          continue;
        }
        LocalRun child = LocalRun.read(sibling);
        if (top.runId() != null && top.runId().equals(child.parentRunId())) {
          runs.add(child);
        }
      }
      if (runs.isEmpty()) {
        throw new UserException(d + " has no metrics.json and no child runs beside it. Pass a finished run"
            + " directory, or a grid's parent directory runs/<experiment>/<experiment>-grid-<hash>.");
      }
    }
    Map<String, MethodRuns> methods = new LinkedHashMap<>();
    String source = null;
    for (LocalRun r : runs) {
      if (!"FINISHED".equals(r.status())) {
        throw new UserException("The run " + r.dir() + " is " + r.status() + ", not FINISHED: check only finished"
            + " runs (rerun the config, or finish it with towerlab run CONFIG --resume).");
      }
      Path metricsFile = r.dir().resolve("metrics.json");
      if (!Files.isRegularFile(metricsFile)) {
        throw new UserException("The run " + r.dir() + " has no metrics.json: it did not finish its evaluation.");
      }
      Map<String, Double> metrics;
      try {
        metrics = Mappers.JSON.readValue(metricsFile.toFile(),
            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {});
      } catch (IOException e) {
        throw new UserException("Cannot read " + metricsFile + ": " + e.getMessage().replaceAll("\\s+", " "), e);
      }
      String name = r.runName() == null ? r.runId() : r.runName();
      int seed = 0;
      Matcher m = SEED.matcher(name);
      if (m.find()) {
        seed = Integer.parseInt(m.group(2));
        name = (name.substring(0, m.start()) + m.group(1) + name.substring(m.end()))
            .replace("[,", "[").replace(",,", ",").replace(",]", "]").replace("[]", "");
      } else {
        seed = seedOf(r.dir());
      }
      MethodRuns mr = methods.computeIfAbsent(name, k -> new MethodRuns(k, new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>()));
      mr.seeds().add(seed);
      mr.dirs().add(r.dir());
      mr.metrics().add(metrics);
      if (source == null) {
        source = r.tags().get("mlflow.source.name");
      }
    }
    return new Runs(d, top.experiment(), source, List.copyOf(methods.values()));
  }

  /** The root seed of a run from its effective config (0 when unknown). */
  private static int seedOf(Path runDir) {
    JsonNode p = provenance(runDir);
    return p.path("config").path("seed").asInt(0);
  }

  private static JsonNode provenance(Path runDir) {
    Path f = runDir.resolve("provenance.json");
    if (!Files.isRegularFile(f)) {
      return Mappers.JSON.createObjectNode();
    }
    try {
      return Mappers.JSON.readTree(f.toFile());
    } catch (IOException e) {
      return Mappers.JSON.createObjectNode();
    }
  }

  /**
   * The record of {@code runs}: per method and metric, the mean over seeds, the sample sd and the
   * interval of {@code rule}.
   *
   * @param metrics the metric keys to record; empty: every finite {@code test/} metric all runs report
   * @param command the command that made the runs; null: {@code ./towerlab run <config>}
   */
  static ReplicationRecord record(Runs runs, ReplicationRecord.Rule rule, List<String> metrics, String command) {
    List<ReplicationRecord.Method> methods = new ArrayList<>();
    for (MethodRuns m : runs.methods()) {
      Map<String, ReplicationRecord.Metric> out = new LinkedHashMap<>();
      List<String> keys = metrics.isEmpty() ? testMetrics(m) : metrics;
      for (String key : keys) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < m.metrics().size(); i++) {
          Double v = m.metrics().get(i).get(key);
          if (v == null || !Double.isFinite(v)) {
            throw new UserException("The metric " + key + " is not in " + m.dirs().get(i).resolve("metrics.json")
                + " (or is not a finite number). Metrics of that run: " + new TreeMap<>(m.metrics().get(i)).keySet()
                + ". Choose others with --metrics.");
          }
          values.add(v);
        }
        double mean = mean(values);
        double sd = sd(values, mean);
        double h = rule.halfWidth(mean, sd, values.size());
        out.put(key, new ReplicationRecord.Metric(mean, sd, mean - h, mean + h, values));
      }
      methods.add(new ReplicationRecord.Method(m.name(), m.seeds(), out));
    }
    JsonNode prov = provenance(runs.methods().get(0).dirs().get(0));
    String date = runs.methods().stream().flatMap(m -> m.dirs().stream())
        .map(d -> provenance(d).path("createdAt").asText(""))
        .filter(s -> !s.isEmpty()).sorted().findFirst().orElse(Instant.now().toString());
    JsonNode git = prov.path("git");
    String commit = git.path("commit").asText("unknown") + (git.path("dirty").asBoolean(false) ? "-dirty" : "");
    JsonNode mach = prov.path("machine");
    ReplicationRecord.Machine machine = new ReplicationRecord.Machine(mach.path("cpu").asText("unknown"),
        mach.path("cores").asInt(0), prov.path("versions").path("engineThreads").asText("unknown"),
        mach.path("os").asText("unknown"));
    String config = runs.source() == null ? "" : runs.source();
    String cmd = command != null ? command : "./towerlab run " + (config.isEmpty() ? "CONFIG" : config);
    return new ReplicationRecord(runs.experiment(), config, cmd, date, commit, machine, rule, methods);
  }

  /** The finite {@code test/} metrics every run of the method reports, sorted. */
  private static List<String> testMetrics(MethodRuns m) {
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, Double> e : new TreeMap<>(m.metrics().get(0)).entrySet()) {
      String k = e.getKey();
      if (k.startsWith("test/") && m.metrics().stream().allMatch(x -> x.get(k) != null && Double.isFinite(x.get(k)))) {
        keys.add(k);
      }
    }
    if (keys.isEmpty()) {
      throw new UserException("The runs of " + m.name() + " report no test/ metric; name the metrics to record"
          + " with --metrics.");
    }
    return keys;
  }

  /**
   * Checks {@code runs} against {@code record}: every recorded method and metric must be in the runs.
   *
   * @throws UserException when a recorded method or metric is missing from the runs, or the seeds differ
   */
  static Outcome check(Runs runs, ReplicationRecord record, Path recordFile) {
    List<Line> lines = new ArrayList<>();
    for (ReplicationRecord.Method expected : record.methods()) {
      MethodRuns m = runs.methods().stream().filter(x -> x.name().equals(expected.name())).findFirst()
          .orElseThrow(() -> new UserException("The method " + expected.name() + " of the record " + recordFile
              + " is not among the runs of " + runs.dir() + " (" + runs.methods().stream().map(MethodRuns::name)
              .toList() + "). Run the record's config (" + record.command() + "), or pass its record with --record."));
      if (!expected.seeds().isEmpty() && !sorted(expected.seeds()).equals(sorted(m.seeds()))) {
        throw new UserException("The runs of " + m.name() + " in " + runs.dir() + " have seeds " + sorted(m.seeds())
            + ", the record " + recordFile + " has seeds " + sorted(expected.seeds()) + ": its intervals are about"
            + " the mean over exactly those seeds. Rerun with the recorded seeds (" + record.command() + ").");
      }
      for (Map.Entry<String, ReplicationRecord.Metric> e : expected.metrics().entrySet()) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < m.metrics().size(); i++) {
          Double v = m.metrics().get(i).get(e.getKey());
          if (v == null) {
            throw new UserException("The metric " + e.getKey() + " of the record " + recordFile + " is not in "
                + m.dirs().get(i).resolve("metrics.json") + ". Did the config's evaluators change? Metrics of that"
                + " run: " + new TreeMap<>(m.metrics().get(i)).keySet() + ".");
          }
          values.add(v);
        }
        lines.add(new Line(m.name(), e.getKey(), mean(values), e.getValue()));
      }
    }
    return new Outcome(lines);
  }

  private static List<Integer> sorted(List<Integer> xs) {
    return xs.stream().sorted().toList();
  }

  static double mean(List<Double> xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s / xs.size();
  }

  /** Sample standard deviation (n - 1); 0 for one value. */
  static double sd(List<Double> xs, double mean) {
    if (xs.size() < 2) {
      return 0;
    }
    double s = 0;
    for (double x : xs) {
      s += (x - mean) * (x - mean);
    }
    return Math.sqrt(s / (xs.size() - 1));
  }
}
