package org.towerlab.evaluators.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The two-way cluster ("pigeonhole") bootstrap of the grand mean of crossed {@code seed x user}
 * tables (Owen, "The pigeonhole bootstrap", Ann. Appl. Statist. 2007): each resample draws {@code S}
 * seeds and, independently, {@code U} users with replacement, and averages the table over every
 * (drawn seed, drawn user) pair. Users and seeds are resampled as whole clusters, so the
 * correlation of a user's values across seeds and the common shift of a seed's values are both
 * kept. Several tables resampled with the same draws stay paired (a difference and a ratio).
 *
 * <p>The resampled mean is unbiased for the table's mean, but its variance counts the seed x user
 * residual three times (once through each factor and once through the cells) and the seed part
 * with a factor {@code (S - 1)/S}; {@link CrossedComparison} corrects the spread.
 */
public final class ClusterBootstrap {
  private ClusterBootstrap() {}

  /**
   * Resampled grand means {@code [tables][resamples]} of each table {@code [S][U]} (all of the
   * same shape), under the same draws, from {@code rng}.
   */
  public static double[][] replicates(double[][][] tables, int resamples, SplittableRandom rng) {
    int s = tables[0].length;
    int u = tables[0][0].length;
    for (double[][] t : tables) {
      if (t.length != s || Arrays.stream(t).anyMatch(row -> row.length != u)) {
        throw new IllegalArgumentException("every table must be " + s + " x " + u);
      }
    }
    double[][] out = new double[tables.length][resamples];
    int[] seedWeight = new int[s];
    int[] userWeight = new int[u];
    double cells = (double) s * u;
    for (int b = 0; b < resamples; b++) {
      Arrays.fill(seedWeight, 0);
      Arrays.fill(userWeight, 0);
      for (int i = 0; i < s; i++) {
        seedWeight[rng.nextInt(s)]++;
      }
      for (int j = 0; j < u; j++) {
        userWeight[rng.nextInt(u)]++;
      }
      for (int t = 0; t < tables.length; t++) {
        double sum = 0;
        for (int i = 0; i < s; i++) {
          if (seedWeight[i] == 0) {
            continue;
          }
          double[] row = tables[t][i];
          double rowSum = 0;
          for (int j = 0; j < u; j++) {
            rowSum += userWeight[j] * row[j];
          }
          sum += seedWeight[i] * rowSum;
        }
        out[t][b] = sum / cells;
      }
    }
    return out;
  }

  /** The {@code p}-quantile of {@code sorted} (ascending), linearly interpolated (R's type 7). */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
