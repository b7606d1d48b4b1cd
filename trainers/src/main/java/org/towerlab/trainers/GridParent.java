package org.towerlab.trainers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.evaluators.stats.MeanInterval;
import org.towerlab.evaluators.stats.Significance;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.tracking.plots.Plots;
import org.towerlab.registry.io.Mappers;

/**
 * What a grid's parent run carries besides its artifacts, so that the parent row of the MLflow
 * runs table can be sorted and charted:
 * <ul>
 *   <li>params: the grid's config file as written, flattened ({@code grid.seed: "[1,2,3]"});
 *   <li>tags: {@code towerlab.grid}, the source tags, a description listing the methods;
 *   <li>metrics, per method (the runs that differ only in the seed) and test metric:
 *       {@code <method>/test/<metric>/mean}, {@code .../std}, {@code .../ci95-low},
 *       {@code .../ci95-high} (Student-t over seeds), and {@code .../seeds}.
 * </ul>
 * The Recall@K plot of the grid shows one mean line per method with its 95% band.
 */
final class GridParent {
  private GridParent() {}

  /** The parent's params, tags: logged when the parent starts. */
  static void start(Tracker parent, LoadedRun first, int runs) {
    parent.logParams(ExperimentRunner.flatten(sourceTree(first)));
    Map<String, String> tags = new LinkedHashMap<>(RunTags.source(first.source()));
    tags.put("mlflow.note.content", "Grid of " + runs + " runs of " + first.source().getFileName()
        + "; each child is one configuration (tags variant and seed). The parent's metrics are the mean, std and"
        + " 95% interval over seeds of each method's test metrics (<method>/test/<metric>/mean).");
    parent.setTags(tags);
  }

  /** Per-method statistics over seeds, logged on the parent. */
  static void logMetrics(Tracker parent, List<ExperimentRunner.RunOutcome> outcomes) {
    parent.logMetrics(metrics(outcomes), 0);
  }

  static Map<String, Double> metrics(List<ExperimentRunner.RunOutcome> outcomes) {
    Map<String, Double> out = new LinkedHashMap<>();
    byMethod(outcomes).forEach((method, runs) -> {
      TreeMap<String, List<Double>> values = new TreeMap<>();
      for (ExperimentRunner.RunOutcome o : runs) {
        o.metrics().forEach((k, v) -> {
          if (k.startsWith("test/") && v != null && Double.isFinite(v)) {
            values.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
          }
        });
      }
      values.forEach((k, list) -> {
        if (list.size() != runs.size()) {
          return; // a metric not every seed reports
        }
        double[] v = list.stream().mapToDouble(Double::doubleValue).toArray();
        String key = method + "/" + k + "/";
        out.put(key + "mean", mean(v));
        out.put(key + "seeds", (double) v.length);
        if (v.length > 1) {
          MeanInterval ci = Significance.meanInterval(v);
          out.put(key + "std", std(v));
          out.put(key + "ci95-low", ci.lower());
          out.put(key + "ci95-high", ci.upper());
        }
      });
    });
    return out;
  }

  /**
   * The grid's Recall@K plot: one line per method (mean over seeds) with its 95% band; null when no
   * run reports recall@K.
   */
  static Path recallPlot(Path dir, String title, List<ExperimentRunner.RunOutcome> outcomes) {
    Map<String, Map<Integer, double[]>> bands = new LinkedHashMap<>();
    byMethod(outcomes).forEach((method, runs) -> {
      Map<Integer, List<Double>> byK = new TreeMap<>();
      for (ExperimentRunner.RunOutcome o : runs) {
        Plots.atK(o.metrics(), "test/recall").forEach((k, v) -> byK.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      }
      Map<Integer, double[]> line = new TreeMap<>();
      byK.forEach((k, list) -> {
        double[] v = list.stream().mapToDouble(Double::doubleValue).toArray();
        if (v.length > 1) {
          MeanInterval ci = Significance.meanInterval(v);
          line.put(k, new double[] {ci.mean(), ci.lower(), ci.upper()});
        } else {
          line.put(k, new double[] {v[0], v[0], v[0]});
        }
      });
      if (!line.isEmpty()) {
        bands.put(method, line);
      }
    });
    if (bands.isEmpty()) {
      return null;
    }
    return Plots.recallAtKBands(title + ": test Recall@K", bands, dir.resolve("plots").resolve("recall-at-k.png"));
  }

  /** Runs grouped by method (their short name without the seed), in grid order. */
  static Map<String, List<ExperimentRunner.RunOutcome>> byMethod(List<ExperimentRunner.RunOutcome> outcomes) {
    Map<String, List<ExperimentRunner.RunOutcome>> out = new LinkedHashMap<>();
    for (ExperimentRunner.RunOutcome o : outcomes) {
      out.computeIfAbsent(RunNames.method(o.name()), k -> new ArrayList<>()).add(o);
    }
    return out;
  }

  private static JsonNode sourceTree(LoadedRun run) {
    try {
      return Mappers.YAML.readTree(Files.readString(run.source()));
    } catch (IOException | RuntimeException e) {
      return run.raw();
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double std(double[] v) {
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (v.length - 1));
  }
}
