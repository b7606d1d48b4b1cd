package org.towerlab.trainers;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.towerlab.tracking.plots.Plots;

/**
 * The engagement / semantic relevance trade-off of a grid (Meta's related-item retrieval,
 * {@code modules/meta-related}): when at least two methods report both {@code test/recall@K} and
 * {@code test/semantic/relevant@K} (the {@code topk} and {@code semantic} evaluators), a scatter of
 * relevant@K (x) against recall@K (y), one point per method, written as
 * {@code plots/tradeoff-at-<K>.png} in the grid directory. A method is a run name without its
 * {@code seed=...} grid label: runs that differ only in the seed are one point, the mean over
 * seeds. K is 20 when every such run reports it, else the smallest common cut-off.
 */
final class TradeoffPlot {
  static final String X = "test/semantic/relevant@";
  static final String Y = "test/recall@";

  private TradeoffPlot() {}

  /** The plot's path, or {@code null} when the grid has fewer than two methods with both metrics. */
  static Path write(List<ExperimentRunner.RunOutcome> outcomes, Path dir, String title) {
    Integer k = cutoff(outcomes);
    if (k == null) {
      return null;
    }
    Map<String, double[]> sums = new LinkedHashMap<>(); // method -> {sum x, sum y, n}
    for (ExperimentRunner.RunOutcome o : outcomes) {
      Double x = o.metrics().get(X + k);
      Double y = o.metrics().get(Y + k);
      if (x == null || y == null || x.isNaN() || y.isNaN()) {
        continue;
      }
      double[] s = sums.computeIfAbsent(method(o.name()), m -> new double[3]);
      s[0] += x;
      s[1] += y;
      s[2]++;
    }
    if (sums.size() < 2) {
      return null;
    }
    Map<String, double[]> points = new LinkedHashMap<>();
    sums.forEach((m, s) -> points.put(m, new double[] {s[0] / s[2], s[1] / s[2]}));
    return Plots.tradeoff(title + ": engagement against semantic relevance (test, mean over seeds)", points,
        "relevant@" + k + " (share of the top-" + k + " on topic)", "recall@" + k + " (engagement)",
        dir.resolve("plots").resolve("tradeoff-at-" + k + ".png"));
  }

  /** 20 if every run with both metrics at some K has them at 20, else the smallest such K. */
  static Integer cutoff(List<ExperimentRunner.RunOutcome> outcomes) {
    TreeSet<Integer> common = null;
    for (ExperimentRunner.RunOutcome o : outcomes) {
      TreeSet<Integer> ks = new TreeSet<>();
      for (String key : o.metrics().keySet()) {
        if (key.startsWith(X)) {
          try {
            int k = Integer.parseInt(key.substring(X.length()));
            if (o.metrics().containsKey(Y + k)) {
              ks.add(k);
            }
          } catch (NumberFormatException e) {
            // not a cut-off
          }
        }
      }
      if (ks.isEmpty()) {
        continue;
      }
      if (common == null) {
        common = ks;
      } else {
        common.retainAll(ks);
      }
    }
    if (common == null || common.isEmpty()) {
      return null;
    }
    return common.contains(20) ? 20 : common.first();
  }

  /** The run name without its {@code seed=...} grid label. */
  static String method(String run) {
    String m = run.replaceAll("(,)?seed=[^,\\]]*", "").replace("[,", "[").replace("[]", "");
    return m.isEmpty() ? run : m;
  }
}
