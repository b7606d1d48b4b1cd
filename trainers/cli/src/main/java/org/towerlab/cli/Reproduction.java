package org.towerlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.tracking.provenance.Provenance;
import org.towerlab.tracking.provenance.Provenance.DataFile;
import org.towerlab.tracking.provenance.Reproduce;
import org.towerlab.registry.io.Mappers;

/**
 * {@code towerlab reproduce RUN_DIR}: reruns a finished run from its {@code effective-config.yaml}
 * (which holds the root seed, so every derived seed is the same) and compares the outcome with the
 * recorded {@code metrics.json}.
 *
 * <p>Before anything is trained, the data source is loaded and its files' hashes are compared with
 * the ones in {@code provenance.json} ({@link Reproduce#requireSameData}); a difference is a user
 * error with the diff. Timing metrics ({@code train/seconds}, {@code ...-per-second}, {@code cost/.../us-...}) are not
 * compared: they differ on every run.
 */
final class Reproduction {
  static final String EFFECTIVE_CONFIG = "effective-config.yaml";
  static final String METRICS = "metrics.json";
  private static final ObjectMapper JSON = Mappers.JSON;

  private final Registry registry;
  private final PrintStream out;

  Reproduction(Registry registry, PrintStream out) {
    this.registry = registry;
    this.out = out;
  }

  /**
   * The outcome of a reproduction.
   *
   * @param runDir the new run's directory
   * @param identical whether every compared metric matches exactly
   * @param table the metric diff table ({@link Reproduce#formatMetricDiff}) ending with the verdict line
   */
  record Result(Path runDir, boolean identical, String table) {}

  /**
   * Refuses, before the config is bound, a run made with component modules that are not loaded now
   * (a plugin jar the run was made with and this command was not given): binding would fail on the
   * first unknown type, without saying that a plugin is missing.
   */
  private void requireRecordedModules(Path provenanceFile, JsonNode provenance) {
    List<String> loaded = registry.modules();
    List<String> missing = new java.util.ArrayList<>();
    provenance.path("plugins").forEach(m -> {
      if (!loaded.contains(m.asText())) {
        missing.add(m.asText());
      }
    });
    if (!missing.isEmpty()) {
      throw new UserException("The run was made with component module(s) " + String.join(", ", missing)
          + " (" + provenanceFile + ", \"plugins\"), which are not loaded now. Pass the plugin jar(s) that hold them"
          + " with --plugins DIR (or put them in plugins/ or TOWERLAB_PLUGINS), then reproduce again.");
    }
  }

  /** Checks the data, reruns {@code runDir} into {@code outRoot} and diffs the metrics. */
  Result reproduce(Path runDir, Path outRoot) {
    Path dir = runDir.toAbsolutePath().normalize();
    Path configFile = requireFile(dir, EFFECTIVE_CONFIG);
    Path provenanceFile = requireFile(dir, Provenance.FILE);
    Path metricsFile = requireFile(dir, METRICS);

    JsonNode provenance = readTree(JSON, provenanceFile);
    requireRecordedModules(provenanceFile, provenance);
    JsonNode tree = readTree(registry.mapper(), configFile);
    ExperimentConfig cfg = new ConfigLoader(registry).bind(tree, configFile.toString());
    LoadedRun run = new LoadedRun(configFile, cfg, tree, registry.effective(cfg), Map.of());

    Map<String, DataFile> recorded = Provenance.dataFiles(provenance);
    Map<String, DataFile> current = currentDataFiles(cfg);
    Reproduce.requireSameData(dir.toString(), recorded, current);
    out.printf(Locale.ROOT, "data: %s%n", current.isEmpty() ? "generated (no files), nothing to hash"
        : current.size() + " file(s) match " + Provenance.FILE);
    printVersionChanges(provenance);

    List<ExperimentRunner.RunOutcome> outcomes = new ExperimentRunner(registry, out).runAll(List.of(run), outRoot, false);
    Path newDir = outcomes.get(0).dir();
    Map<String, Double> before = readMetrics(metricsFile);
    Map<String, Double> after = readMetrics(newDir.resolve(METRICS));
    String table = Reproduce.formatMetricDiff(compared(before), compared(after));
    boolean identical = Reproduce.metricDiff(compared(before), compared(after)).stream()
        .allMatch(Reproduce.MetricDiff::identical);
    out.println();
    out.println("Reproduction of " + dir + " (new run: " + newDir + "):");
    out.println(table);
    Map<String, Double> timings = new TreeMap<>(before);
    timings.keySet().removeIf(k -> !isTiming(k));
    timings.forEach((k, v) -> out.printf(Locale.ROOT, "not compared (timing): %s %.3f -> %s%n", k, v,
        after.containsKey(k) ? String.format(Locale.ROOT, "%.3f", after.get(k)) : "-"));
    return new Result(newDir, identical, table);
  }

  /** The files the configured data source reads now, hashed ({@code Dataset.files()}). */
  private Map<String, DataFile> currentDataFiles(ExperimentConfig cfg) {
    DataSource source = registry.build(Kind.DATA, cfg.data(), "$.data", new Seeds(cfg.seed()), DataSource.class);
    Map<String, DataFile> current = new TreeMap<>();
    source.load().files().forEach((path, spec) -> current.put(path, DataFile.parse(spec)));
    return current;
  }

  /** Warns (does not refuse) when the code or engine versions differ from the recorded ones. */
  private void printVersionChanges(JsonNode provenance) {
    Map<String, String> now = new LinkedHashMap<>(Provenance.engineVersions());
    now.put("java", System.getProperty("java.version"));
    provenance.path("versions").fields().forEachRemaining(e -> {
      String v = now.get(e.getKey());
      if (v != null && !v.equals(e.getValue().asText())) {
        out.printf(Locale.ROOT, "note: %s was %s when the run was recorded, now %s; metrics may differ%n",
            e.getKey(), e.getValue().asText(), v);
      }
    });
  }

  /** Metrics that must reproduce exactly: everything except wall-clock timings. */
  static Map<String, Double> compared(Map<String, Double> metrics) {
    Map<String, Double> out = new TreeMap<>(metrics);
    out.keySet().removeIf(Reproduction::isTiming);
    return out;
  }

  /**
   * Wall-clock metrics ({@code train/seconds}, {@code train/mean-examples-per-second}, the measured
   * scoring times {@code cost/.../us-per-...}).
   */
  static boolean isTiming(String metric) {
    return metric.endsWith("seconds") || metric.endsWith("per-second") || metric.startsWith("cost/us-")
        || (metric.startsWith("cost/") && metric.contains("/us-"));
  }

  /** Reads {@code metrics.json}; non-finite values written as strings ({@code "NaN"}) are parsed back. */
  static Map<String, Double> readMetrics(Path file) {
    JsonNode node = readTree(JSON, file);
    if (!node.isObject()) {
      throw new UserException(file + " must hold a JSON object of metric name to number. Rerun the experiment to"
          + " rewrite it.");
    }
    Map<String, Double> out = new TreeMap<>();
    node.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      double d;
      if (v.isNumber()) {
        d = v.asDouble();
      } else if (v.isTextual()) {
        try {
          d = Double.parseDouble(v.asText());
        } catch (NumberFormatException ex) {
          throw new UserException("Metric '" + e.getKey() + "' in " + file + " is not a number: '" + v.asText()
              + "'. Rerun the experiment to rewrite the file.");
        }
      } else {
        d = Double.NaN;
      }
      out.put(e.getKey(), d);
    });
    return out;
  }

  private static Path requireFile(Path dir, String name) {
    if (!Files.isDirectory(dir)) {
      throw new UserException("Cannot reproduce " + dir + ": no such directory. Pass a run directory"
          + " runs/<experiment>/<run-id> written by `towerlab run`.");
    }
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      String hint = Files.isRegularFile(dir.resolve("leaderboard.csv")) && !Files.exists(dir.resolve(EFFECTIVE_CONFIG))
          ? " It looks like the parent directory of a grid: pass one of the grid's child run directories."
          : " Pass a run directory runs/<experiment>/<run-id> of a finished `towerlab run`.";
      throw new UserException("Cannot reproduce " + dir + ": it has no " + name + "." + hint);
    }
    return f;
  }

  private static JsonNode readTree(ObjectMapper mapper, Path file) {
    try {
      JsonNode node = mapper.readTree(Files.readString(file));
      if (node == null || node.isMissingNode()) {
        throw new UserException(file + " is empty. Rerun the experiment to rewrite it.");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserException("Cannot parse " + file + ": " + e.getOriginalMessage() + ". The run directory is"
          + " damaged; rerun the experiment.", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
