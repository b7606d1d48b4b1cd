package org.towerlab.evaluators;

import java.util.Arrays;

/**
 * Pointwise metrics over scored, labelled rows. Scores are logits; probabilities are
 * {@code sigmoid(score)}.
 */
public final class PointwiseMetrics {
  /** LogLoss clips probabilities to {@code [EPS, 1 - EPS]}. */
  public static final double EPS = 1e-7;

  private PointwiseMetrics() {}

  /**
   * Area under the ROC curve as the Mann-Whitney statistic with average ranks for ties: the
   * fraction of (positive, negative) pairs where the positive scores higher, tied pairs counting
   * one half. NaN scores rank below every number. NaN when either class is empty.
   *
   * @param scores a score per row (any monotone transform gives the same AUC)
   * @param labels the row's class
   * @param rows the rows to use, or {@code null} for all rows
   */
  public static double auc(double[] scores, boolean[] labels, int[] rows) {
    int n = rows == null ? scores.length : rows.length;
    int nPos = 0;
    for (int i = 0; i < n; i++) {
      nPos += labels[rows == null ? i : rows[i]] ? 1 : 0;
    }
    int nNeg = n - nPos;
    if (nPos == 0 || nNeg == 0) {
      return Double.NaN;
    }
    double[] pos = new double[nPos];
    double[] neg = new double[nNeg];
    int p = 0;
    int q = 0;
    for (int i = 0; i < n; i++) {
      int r = rows == null ? i : rows[i];
      double s = Double.isNaN(scores[r]) ? Double.NEGATIVE_INFINITY : scores[r];
      if (labels[r]) {
        pos[p++] = s;
      } else {
        neg[q++] = s;
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    // For each distinct positive score: negatives strictly below count 1, equal ones 1/2.
    double wins = 0;
    int below = 0;
    int i = 0;
    while (i < nPos) {
      double s = pos[i];
      int j = i;
      while (j < nPos && pos[j] == s) {
        j++;
      }
      while (below < nNeg && neg[below] < s) {
        below++;
      }
      int equal = below;
      while (equal < nNeg && neg[equal] == s) {
        equal++;
      }
      wins += (j - i) * (below + 0.5 * (equal - below));
      i = j;
    }
    return wins / ((double) nPos * nNeg);
  }

  /**
   * Mean binary cross-entropy of {@code p = sigmoid(score)} clipped to {@code [1e-7, 1 - 1e-7]}.
   * NaN for no rows or a NaN score.
   */
  public static double logLoss(double[] scores, boolean[] labels, int[] rows) {
    int n = rows == null ? scores.length : rows.length;
    if (n == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int r = rows == null ? i : rows[i];
      double p = Math.min(Math.max(sigmoid(scores[r]), EPS), 1 - EPS);
      sum += labels[r] ? -Math.log(p) : -Math.log(1 - p);
    }
    return sum / n;
  }

  /** {@code 1 / (1 + exp(-x))}, computed without overflow. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }
}
