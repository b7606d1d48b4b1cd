package org.towerlab.evaluators.stats;

import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Simulated seed grids of two methods that do not differ: per-user Recall@K-like values of a
 * method and a baseline drawn from the same distribution, with the structure of a real grid.
 *
 * <p>User u has {@code n_u ~ 1 + round(Exp(mean 8))} test items (ML-100K's per-user 10% of about 85
 * positives) and a difficulty {@code base_u ~ N(-1, 1)} on the logit scale. Under seed s, the
 * split draws other test items ({@code g_su ~ N(0, 0.5^2)}, shared by both methods: the same seed
 * gives the same split). Method m has a persistent per-user effect {@code a_mu ~ N(0, userSd^2)}
 * (the same users recur in every seed), a per-seed shift {@code b_ms ~ N(0, runSd^2)} (run-to-run
 * noise of a whole training run) and per-cell noise {@code e_msu ~ N(0, 0.5^2)}; its value is
 * {@code Binomial(n_u, sigmoid(base_u + g_su + a_mu + b_ms + e_msu)) / n_u}. Both methods draw from
 * the same distribution, so their expected difference is 0; the per-user differences of one
 * comparison still correlate across seeds (about 0.25 with {@code userSd = 0.75}, the 0.24 measured
 * on the quick-start models) and its seed means move with the run noise.
 */
final class NullSimulation {
  private final int users;
  private final int seeds;
  private final double userSd;
  private final double runSd;
  private final SplittableRandom rng;

  NullSimulation(int users, int seeds, double userSd, double runSd, long seed) {
    this.users = users;
    this.seeds = seeds;
    this.userSd = userSd;
    this.runSd = runSd;
    this.rng = new SplittableRandom(seed);
  }

  /** One simulated comparison: per seed, each method's per-user values (users 0..U-1). */
  SeedUserSample next() {
    int[] n = new int[users];
    double[] base = new double[users];
    for (int u = 0; u < users; u++) {
      n[u] = 1 + (int) Math.round(-8 * Math.log(1 - rng.nextDouble()));
      base[u] = -1 + gauss();
    }
    double[][] userEffect = new double[2][users];
    double[][] runEffect = new double[2][seeds];
    for (int m = 0; m < 2; m++) {
      for (int u = 0; u < users; u++) {
        userEffect[m][u] = userSd * gauss();
      }
      for (int s = 0; s < seeds; s++) {
        runEffect[m][s] = runSd * gauss();
      }
    }
    TreeMap<Integer, SeedUserSample.Values> method = new TreeMap<>();
    TreeMap<Integer, SeedUserSample.Values> baseline = new TreeMap<>();
    long[] ids = new long[users];
    for (int u = 0; u < users; u++) {
      ids[u] = u;
    }
    for (int s = 0; s < seeds; s++) {
      double[][] x = new double[2][users];
      for (int u = 0; u < users; u++) {
        double split = 0.5 * gauss();
        for (int m = 0; m < 2; m++) {
          double p = 1 / (1 + Math.exp(-(base[u] + split + userEffect[m][u] + runEffect[m][s] + 0.5 * gauss())));
          int hits = 0;
          for (int i = 0; i < n[u]; i++) {
            hits += rng.nextDouble() < p ? 1 : 0;
          }
          x[m][u] = hits / (double) n[u];
        }
      }
      method.put(s + 1, new SeedUserSample.Values(ids, x[0]));
      baseline.put(s + 1, new SeedUserSample.Values(ids, x[1]));
    }
    return SeedUserSample.of(method, baseline);
  }

  private double gauss() {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** The average over seed pairs of the correlation across users of the per-user differences. */
  static double crossSeedCorrelation(SeedUserSample s) {
    double[][] d = s.differences();
    double sum = 0;
    int pairs = 0;
    for (int a = 0; a < d.length; a++) {
      for (int b = a + 1; b < d.length; b++) {
        sum += new org.apache.commons.math3.stat.correlation.PearsonsCorrelation().correlation(d[a], d[b]);
        pairs++;
      }
    }
    return sum / pairs;
  }

  /**
   * The previous grid summary's verdict: a paired t-test and a Wilcoxon signed-rank test on the
   * per-query values pooled over seeds ({@code (seed, user)} pairs taken as independent), both
   * {@code p < alpha}.
   */
  static boolean pooledRejects(SeedUserSample s, double alpha) {
    int cells = s.numSeeds() * s.numUsers();
    double[] a = new double[cells];
    double[] b = new double[cells];
    int k = 0;
    for (int i = 0; i < s.numSeeds(); i++) {
      for (int u = 0; u < s.numUsers(); u++) {
        a[k] = s.method()[i][u];
        b[k++] = s.baseline()[i][u];
      }
    }
    return Significance.pairedT(a, b).pValue() < alpha && Significance.wilcoxon(a, b).pValue() < alpha;
  }
}
