package org.towerlab.tracking.provenance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.towerlab.api.UserException;
import org.towerlab.tracking.provenance.Provenance.DataFile;

/**
 * The checks of {@code towerlab reproduce RUN_DIR}: the data must be the data the run used, and
 * the new metrics are compared with the recorded ones.
 */
public final class Reproduce {
  private Reproduce() {}

  /** One metric in both runs; {@code delta = reproduced - recorded} (NaN when one side lacks it). */
  public record MetricDiff(String metric, Double recorded, Double reproduced, double delta) {
    public boolean identical() {
      return recorded != null && recorded.equals(reproduced);
    }
  }

  /**
   * Lines describing how {@code current} data files differ from {@code recorded}: changed hash or
   * row count, missing, or new. Empty when the data is the same.
   */
  public static List<String> dataDiff(Map<String, DataFile> recorded, Map<String, DataFile> current) {
    List<String> out = new ArrayList<>();
    for (String path : new TreeSet<>(union(recorded.keySet(), current.keySet()))) {
      DataFile a = recorded.get(path);
      DataFile b = current.get(path);
      if (a == null) {
        out.add("+ " + path + ": not in the recorded run (sha256 " + b.sha256() + ", " + b.rows() + " rows)");
      } else if (b == null) {
        out.add("- " + path + ": recorded (sha256 " + a.sha256() + ", " + a.rows() + " rows) but not read now");
      } else if (!a.sha256().equals(b.sha256()) || a.rows() != b.rows()) {
        out.add("~ " + path + ": sha256 " + a.sha256() + " -> " + b.sha256() + ", rows " + a.rows() + " -> " + b.rows());
      }
    }
    return out;
  }

  /** Throws a {@link UserException} with the diff when the data files changed. */
  public static void requireSameData(String runDir, Map<String, DataFile> recorded, Map<String, DataFile> current) {
    List<String> diff = dataDiff(recorded, current);
    if (!diff.isEmpty()) {
      throw new UserException("Cannot reproduce " + runDir + ": the data files differ from the ones recorded in its "
          + Provenance.FILE + ":\n  " + String.join("\n  ", diff) + "\nRestore the original files (or point "
          + "TOWERLAB_DATA at them); a rerun on other data would not be a reproduction.");
    }
  }

  /** Per-metric comparison, sorted by metric name. */
  public static List<MetricDiff> metricDiff(Map<String, Double> recorded, Map<String, Double> reproduced) {
    List<MetricDiff> out = new ArrayList<>();
    for (String k : new TreeSet<>(union(recorded.keySet(), reproduced.keySet()))) {
      Double a = recorded.get(k);
      Double b = reproduced.get(k);
      out.add(new MetricDiff(k, a, b, a == null || b == null ? Double.NaN : b - a));
    }
    return out;
  }

  /** A printable table of {@link #metricDiff}, ending with a verdict line. */
  public static String formatMetricDiff(Map<String, Double> recorded, Map<String, Double> reproduced) {
    List<MetricDiff> diffs = metricDiff(recorded, reproduced);
    int w = Math.max(6, diffs.stream().mapToInt(d -> d.metric().length()).max().orElse(6));
    StringBuilder b = new StringBuilder(String.format("%-" + w + "s  %14s  %14s  %12s%n", "metric", "recorded",
        "reproduced", "delta"));
    long same = 0;
    for (MetricDiff d : diffs) {
      b.append(String.format("%-" + w + "s  %14s  %14s  %12s%s%n", d.metric(), fmt(d.recorded()), fmt(d.reproduced()),
          Double.isNaN(d.delta()) ? "-" : String.format("%+.3e", d.delta()), d.identical() ? "" : "  *"));
      same += d.identical() ? 1 : 0;
    }
    b.append(same == diffs.size() ? "identical: all " + same + " metrics match exactly"
        : (diffs.size() - same) + " of " + diffs.size() + " metrics differ (marked *)");
    return b.toString();
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format("%.6f", v);
  }

  private static <T> java.util.Set<T> union(java.util.Set<T> a, java.util.Set<T> b) {
    java.util.Set<T> u = new java.util.HashSet<>(a);
    u.addAll(b);
    return u;
  }
}
