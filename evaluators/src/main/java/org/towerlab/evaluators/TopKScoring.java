package org.towerlab.evaluators;

import java.util.Arrays;
import java.util.Map;

/**
 * The per-query metrics of {@link TopKEvaluator} from a ranked list, public so that a job that
 * ranks the corpus elsewhere (the Spark corpus evaluation) computes them with the same code.
 * Definitions in {@code docs/metrics.md}.
 */
public final class TopKScoring {
  private TopKScoring() {}

  /** {@code 1 / log2(r + 2)} for ranks {@code r + 1 = 1 .. n}. */
  public static double[] discounts(int n) {
    return EvalSupport.discounts(n);
  }

  /** {@code out[j]} = the sum of the first {@code j} discounts (the ideal DCG of {@code j} hits). */
  public static double[] idealPrefix(double[] discount) {
    double[] idealPrefix = new double[discount.length + 1];
    for (int r = 0; r < discount.length; r++) {
      idealPrefix[r + 1] = idealPrefix[r] + discount[r];
    }
    return idealPrefix;
  }

  /**
   * Scores query number {@code index}: its ranked list {@code list} (best first, at least the
   * largest K long unless the corpus is shorter) against its sorted distinct {@code targets}, into
   * {@code perQuery.get(metric + "@" + k)[index]} for every metric and K ({@code ks} ascending),
   * plus {@code avg-popularity@K} and the covered items per K when {@code popularity} is given.
   */
  public static void score(java.util.List<String> metrics, int index, int[] list, int[] targets, int[] ks,
      double[] discount, double[] idealPrefix, Map<String, double[]> perQuery, int[] popularity, boolean[][] covered) {
    int len = list.length;
    boolean[] hit = new boolean[len];
    for (int r = 0; r < len; r++) {
      hit[r] = Arrays.binarySearch(targets, list[r]) >= 0;
    }
    int hits = 0;
    double dcg = 0;
    int firstHit = 0; // 1-based rank of the first hit, 0 = none yet
    double popSum = 0;
    int r = 0;
    for (int i = 0; i < ks.length; i++) {
      int k = ks[i];
      int upTo = Math.min(k, len);
      for (; r < upTo; r++) {
        if (hit[r]) {
          hits++;
          dcg += discount[r];
          if (firstHit == 0) {
            firstHit = r + 1;
          }
        }
        if (popularity != null) {
          popSum += popularity[list[r]];
        }
      }
      for (String m : metrics) {
        double v = switch (m) {
          case "recall" -> (double) hits / targets.length;
          case "hit" -> hits > 0 ? 1.0 : 0.0;
          case "precision" -> (double) hits / k;
          case "ndcg" -> dcg / idealPrefix[Math.min(targets.length, k)];
          case "mrr" -> firstHit == 0 ? 0.0 : 1.0 / firstHit;
          default -> throw new IllegalStateException("metric " + m);
        };
        perQuery.get(m + "@" + k)[index] = v;
      }
      if (popularity != null) {
        perQuery.get("avg-popularity@" + k)[index] = upTo == 0 ? 0.0 : popSum / upTo;
        for (int j = 0; j < upTo; j++) {
          covered[i][list[j]] = true;
        }
      }
    }
  }

}
