package org.towerlab.modules.gnolr;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.data.InteractionLog;

/**
 * GNOLR's ordered feedback levels {@code 1..K} and the ordinal class {@code y in {0..K}} of a
 * logged row: the deepest level the row reached (0 = shown, not engaged). Two forms:
 * <ul>
 *   <li><b>one label per level</b> ({@code labels: [click, like, share]}): {@code y = max{k : label_k > 0}},
 *       0 when no label is positive. On logs where deeper feedback implies shallower feedback
 *       (share &rArr; like &rArr; click, as in the simulator) this is the number of positive labels;
 *       otherwise the deepest positive label wins, as in the official code
 *       ({@code ordinal_multi_tasks_gnolr_with_multi_feedback});
 *   <li><b>cuts on one graded label</b> ({@code label: rating, cuts: [3, 4, 5]}):
 *       {@code y = #{k : value >= cut_k}} (cuts strictly increasing), so ratings 1-2 are class 0,
 *       3 class 1, 4 class 2 and 5 class 3.
 * </ul>
 * The thresholds come from the positive rate {@code pi_k = P(y >= k)} of the training part's
 * shown logged rows: {@code m_k = pi_k / (1 - pi_k)} and {@code a_k = -ln m_k}, so that a pair
 * with cosines 0 gets {@code P(y >= k) = sigmoid(-a_k) = pi_k}.
 */
public final class OrdinalLevels {
  private final List<String> labels;
  private final String label;
  private final double[] cuts;

  private OrdinalLevels(List<String> labels, String label, double[] cuts) {
    this.labels = labels;
    this.label = label;
    this.cuts = cuts;
  }

  /** One binary label per level, shallowest first. */
  public static OrdinalLevels ofLabels(List<String> labels) {
    return new OrdinalLevels(List.copyOf(labels), null, null);
  }

  /** Levels {@code value >= cut_k} of one graded label, cuts strictly increasing. */
  public static OrdinalLevels ofCuts(String label, List<Double> cuts) {
    return new OrdinalLevels(null, label, cuts.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The levels of a loss config. */
  public static OrdinalLevels of(GnolrLossConfig c) {
    return c.labels() != null ? ofLabels(c.labels()) : ofCuts(c.label(), c.cuts());
  }

  /** K, the number of levels. */
  public int count() {
    return labels != null ? labels.size() : cuts.length;
  }

  /** Readable level names for messages: the labels, or {@code rating>=3}. */
  public List<String> names() {
    if (labels != null) {
      return labels;
    }
    List<String> out = new ArrayList<>();
    for (double c : cuts) {
      out.add(label + ">=" + format(c));
    }
    return out;
  }

  /** The row labels this definition reads. */
  public Set<String> labelsRead() {
    return labels != null ? new LinkedHashSet<>(labels) : Set.of(label);
  }

  /**
   * The ordinal class of every row.
   *
   * @param values label columns by name (each of length {@code rows}); must hold {@link #labelsRead()}
   */
  public int[] classes(Map<String, float[]> values, int rows) {
    int[] y = new int[rows];
    if (labels != null) {
      for (int k = 0; k < labels.size(); k++) {
        float[] v = column(values, labels.get(k));
        for (int r = 0; r < rows; r++) {
          if (v[r] > 0) {
            y[r] = k + 1;
          }
        }
      }
      return y;
    }
    float[] v = column(values, label);
    for (int r = 0; r < rows; r++) {
      int c = 0;
      while (c < cuts.length && v[r] >= cuts[c]) {
        c++;
      }
      y[r] = c;
    }
    return y;
  }

  private static float[] column(Map<String, float[]> values, String name) {
    float[] v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("GNOLR's levels read label '" + name + "'; the rows have " + values.keySet());
    }
    return v;
  }

  /** The rows of a logged part that were shown (candidates never shown have no feedback). */
  public static InteractionLog shown(InteractionLog logged) {
    boolean[] exposed = logged.exposed();
    if (exposed == null) {
      return logged;
    }
    for (boolean e : exposed) {
      if (!e) {
        return logged.filter(exposed);
      }
    }
    return logged;
  }

  /** {@code pi_k = P(y >= k)}, k = 1..K, over the rows of {@code log}. */
  public double[] positiveRates(InteractionLog log) {
    int n = log.size();
    int[] y = classes(log.labels(), n);
    double[] rates = new double[count()];
    for (int r = 0; r < n; r++) {
      for (int k = 0; k < y[r]; k++) {
        rates[k] += 1;
      }
    }
    for (int k = 0; k < rates.length; k++) {
      rates[k] = n == 0 ? Double.NaN : rates[k] / n;
    }
    return rates;
  }

  /** {@code a_k = -ln(pi_k / (1 - pi_k))}; infinite for a rate of 0 or 1. */
  public static double[] thresholdsFromRates(double[] rates) {
    double[] a = new double[rates.length];
    for (int k = 0; k < a.length; k++) {
      a[k] = Math.log((1 - rates[k]) / rates[k]);
    }
    return a;
  }

  /** {@code a_k = -ln m_k} (the official code's {@code m}). */
  public static double[] thresholdsFromOdds(List<Double> odds) {
    double[] a = new double[odds.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = -Math.log(odds.get(k));
    }
    return a;
  }

  /**
   * The largest scale each level may have: {@code S_k < a_k - a_{k-1}} for k &ge; 2 keeps
   * {@code P(y = k-1) = p_{k-1} - p_k} positive for every cosine {@code c_k in [-1, 1]} (the NaN of
   * {@code log(p_1 - p_2)} otherwise; README Q1 of the official code); the first level is free
   * ({@code +inf}).
   */
  public static double[] scaleBounds(double[] a) {
    double[] bound = new double[a.length];
    bound[0] = Double.POSITIVE_INFINITY;
    for (int k = 1; k < a.length; k++) {
      bound[k] = a[k] - a[k - 1];
    }
    return bound;
  }

  /** The 0-based levels whose scale breaks {@link #scaleBounds}, empty when the guard holds. */
  public static List<Integer> guardViolations(double[] a, List<Double> scales) {
    double[] bound = scaleBounds(a);
    List<Integer> bad = new ArrayList<>();
    for (int k = 1; k < a.length; k++) {
      if (!(scales.get(k) < bound[k])) {
        bad.add(k);
      }
    }
    return bad;
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  static String format(double[] v) {
    List<String> s = new ArrayList<>();
    for (double x : v) {
      s.add(Double.isInfinite(x) ? (x > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.3f", x));
    }
    return s.toString();
  }
}
