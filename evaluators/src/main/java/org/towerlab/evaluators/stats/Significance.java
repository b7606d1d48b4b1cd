package org.towerlab.evaluators.stats;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Statistics for comparing runs on per-query metrics (Commons Math 3.6.1): Student-t confidence
 * intervals, the paired t-test, the Wilcoxon signed-rank test and the Holm-Bonferroni correction.
 *
 * <p>Wilcoxon follows the usual "wilcox" zero method (Wilcoxon 1945; as R's {@code wilcox.test}
 * and SciPy's default): pairs with a zero difference are dropped, tied absolute differences get
 * average ranks. For {@code n <= 30} remaining pairs the p-value is exact: the permutation
 * distribution of W+ over all 2^n sign assignments of the observed (possibly tied) ranks. For
 * {@code n > 30} it is the normal approximation with tie-corrected variance and a continuity
 * correction of 1/2. Commons Math's own {@code WilcoxonSignedRankTest} is not used because it
 * keeps zero differences (counting them towards W-), which biases per-query metrics where many
 * queries tie at 0.
 */
public final class Significance {
  /** Largest number of non-zero differences for which the Wilcoxon p-value is exact. */
  public static final int WILCOXON_EXACT_MAX = 30;

  private Significance() {}

  /** The mean of {@code x} with a 95% Student-t confidence interval. */
  public static MeanInterval meanInterval(double[] x) {
    return meanInterval(x, 0.95);
  }

  /**
   * The mean of {@code x} with a two-sided Student-t interval at {@code level}:
   * {@code mean +- t_{n-1, (1+level)/2} * sd / sqrt(n)}, sd with {@code n - 1} in the denominator.
   */
  public static MeanInterval meanInterval(double[] x, double level) {
    if (x.length == 0) {
      throw new IllegalArgumentException("cannot take the mean of an empty sample");
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
    int n = x.length;
    double mean = mean(x);
    if (n < 2) {
      return new MeanInterval(n, mean, Double.NaN, Double.NaN, level);
    }
    double sd = Math.sqrt(variance(x, mean));
    double t = new TDistribution(n - 1).inverseCumulativeProbability((1 + level) / 2);
    double half = t * sd / Math.sqrt(n);
    return new MeanInterval(n, mean, mean - half, mean + half, level);
  }

  /**
   * Pairs two runs' per-query values on the queries both contain, ascending by id. Pairs where
   * either value is NaN (for example the AUC of a single-class query) are dropped.
   *
   * @throws IllegalArgumentException if an input repeats a query id or differs in length from
   *     its query array
   */
  public static PairedSample align(long[] qA, double[] a, long[] qB, double[] b) {
    if (qA.length != a.length || qB.length != b.length) {
      throw new IllegalArgumentException("queries and values differ in length: " + qA.length + " vs " + a.length
          + ", " + qB.length + " vs " + b.length);
    }
    Map<Long, Integer> indexB = new HashMap<>(qB.length * 2);
    for (int i = 0; i < qB.length; i++) {
      if (indexB.put(qB[i], i) != null) {
        throw new IllegalArgumentException("query " + qB[i] + " appears twice in the second run");
      }
    }
    long[][] pairs = new long[qA.length][];
    int n = 0;
    java.util.Set<Long> seenA = new java.util.HashSet<>(qA.length * 2);
    for (int i = 0; i < qA.length; i++) {
      if (!seenA.add(qA[i])) {
        throw new IllegalArgumentException("query " + qA[i] + " appears twice in the first run");
      }
      Integer j = indexB.get(qA[i]);
      if (j != null && !Double.isNaN(a[i]) && !Double.isNaN(b[j])) {
        pairs[n++] = new long[] {qA[i], i, j};
      }
    }
    long[][] kept = Arrays.copyOf(pairs, n);
    Arrays.sort(kept, (x, y) -> Long.compare(x[0], y[0]));
    long[] queries = new long[n];
    double[] pa = new double[n];
    double[] pb = new double[n];
    for (int i = 0; i < n; i++) {
      queries[i] = kept[i][0];
      pa[i] = a[(int) kept[i][1]];
      pb[i] = b[(int) kept[i][2]];
    }
    return new PairedSample(queries, pa, pb, qA.length + qB.length - 2 * n);
  }

  /** The paired t-test of {@code a} against {@code b} on a sample built by {@link #align}. */
  public static TestResult pairedT(PairedSample s) {
    return pairedT(s.a(), s.b());
  }

  /**
   * Two-sided paired t-test: {@code t = mean(d) / (sd(d) / sqrt(n))} with {@code d = a - b} and
   * {@code n - 1} degrees of freedom. When every difference is equal, p is 1 if they are zero and
   * 0 otherwise.
   */
  public static TestResult pairedT(double[] a, double[] b) {
    checkPaired(a, b);
    if (a.length < 2) {
      throw new IllegalArgumentException("the paired t-test needs at least 2 pairs, got " + a.length);
    }
    double[] d = differences(a, b);
    double mean = mean(d);
    double var = variance(d, mean);
    if (var == 0) {
      return new TestResult("paired-t", d.length, mean,
          mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean), mean == 0 ? 1 : 0);
    }
    TTest tTest = new TTest();
    return new TestResult("paired-t", d.length, mean, tTest.pairedT(a, b), tTest.pairedTTest(a, b));
  }

  /** The Wilcoxon signed-rank test of {@code a} against {@code b} on a sample built by {@link #align}. */
  public static TestResult wilcoxon(PairedSample s) {
    return wilcoxon(s.a(), s.b());
  }

  /**
   * Two-sided Wilcoxon signed-rank test of {@code a - b}, zero differences dropped; exact for at
   * most {@value #WILCOXON_EXACT_MAX} non-zero differences, normal approximation above (see the
   * class comment). With no non-zero difference p is 1.
   */
  public static TestResult wilcoxon(double[] a, double[] b) {
    checkPaired(a, b);
    double[] all = differences(a, b);
    double meanDiff = all.length == 0 ? Double.NaN : mean(all);
    double[] d = Arrays.stream(all).filter(v -> v != 0).toArray();
    int n = d.length;
    if (n == 0) {
      return new TestResult("wilcoxon-exact", 0, meanDiff, 0, 1);
    }
    double[] abs = Arrays.stream(d).map(Math::abs).toArray();
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(abs);
    double wPlus = 0;
    for (int i = 0; i < n; i++) {
      if (d[i] > 0) {
        wPlus += ranks[i];
      }
    }
    if (n <= WILCOXON_EXACT_MAX) {
      return new TestResult("wilcoxon-exact", n, meanDiff, wPlus, exactWilcoxonP(ranks, wPlus));
    }
    double mu = n * (n + 1) / 4.0;
    double tieTerm = 0;
    double[] sorted = abs.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && sorted[j] == sorted[i]) {
        j++;
      }
      double t = j - i;
      tieTerm += t * t * t - t;
      i = j;
    }
    double sigma = Math.sqrt(n * (n + 1.0) * (2 * n + 1) / 24.0 - tieTerm / 48.0);
    double z = Math.max(Math.abs(wPlus - mu) - 0.5, 0) / sigma;
    double p = Math.min(1, 2 * new NormalDistribution().cumulativeProbability(-z));
    return new TestResult("wilcoxon-normal", n, meanDiff, wPlus, p);
  }

  /**
   * Exact two-sided p of W+ given the ranks: {@code 2 min(P(W <= w), P(W >= w))} capped at 1,
   * where W sums a random subset of the ranks (each sign equally likely). Ranks are multiples of
   * 1/2, so the distribution is counted on doubled ranks.
   */
  static double exactWilcoxonP(double[] ranks, double wPlus) {
    int n = ranks.length;
    int[] r2 = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      r2[i] = (int) Math.round(2 * ranks[i]);
      total += r2[i];
    }
    double[] ways = new double[total + 1]; // ways[s] = number of subsets with doubled sum s
    ways[0] = 1;
    int reach = 0;
    for (int v : r2) {
      for (int s = reach; s >= 0; s--) {
        if (ways[s] != 0) {
          ways[s + v] += ways[s];
        }
      }
      reach += v;
    }
    int w2 = (int) Math.round(2 * wPlus);
    double below = 0;
    double above = 0;
    for (int s = 0; s <= total; s++) {
      if (s <= w2) {
        below += ways[s];
      }
      if (s >= w2) {
        above += ways[s];
      }
    }
    double all = Math.pow(2, n);
    return Math.min(1, 2 * Math.min(below, above) / all);
  }

  /**
   * Holm-Bonferroni adjusted p-values, in the input order: with the p-values sorted ascending
   * {@code p_(1) <= ... <= p_(m)}, {@code adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))}
   * (Holm, "A Simple Sequentially Rejective Multiple Test Procedure", Scand. J. Statistics 1979).
   * Reject hypothesis i at family-wise level alpha when {@code adj_i <= alpha}.
   */
  public static double[] holm(double[] pValues) {
    int m = pValues.length;
    for (double p : pValues) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("p-values must be in [0, 1], got " + p + " in " + Arrays.toString(pValues));
      }
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(pValues[x], pValues[y]));
    double[] adjusted = new double[m];
    double running = 0;
    for (int j = 0; j < m; j++) {
      running = Math.max(running, Math.min(1, (m - j) * pValues[order[j]]));
      adjusted[order[j]] = running;
    }
    return adjusted;
  }

  /** Which hypotheses Holm's procedure rejects at family-wise level {@code alpha}, in input order. */
  public static boolean[] holmRejects(double[] pValues, double alpha) {
    double[] adjusted = holm(pValues);
    boolean[] out = new boolean[adjusted.length];
    for (int i = 0; i < adjusted.length; i++) {
      out[i] = adjusted[i] <= alpha;
    }
    return out;
  }

  private static void checkPaired(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired samples differ in length: " + a.length + " vs " + b.length);
    }
  }

  private static double[] differences(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x, double mean) {
    double s = 0;
    for (double v : x) {
      s += (v - mean) * (v - mean);
    }
    return s / (x.length - 1);
  }
}
