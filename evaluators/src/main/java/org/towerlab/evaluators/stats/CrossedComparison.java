package org.towerlab.evaluators.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Compares a method with its baseline over a seed grid the way the grid was designed: the test
 * users recur in every seed, and every seed trains (and splits) anew, so users and seeds are two
 * crossed samples. The input is a {@link SeedUserSample}; {@code d_su} is the method's value minus
 * the baseline's for user u under seed s.
 *
 * <h2>Primary result: the mean difference with a two-way cluster bootstrap interval</h2>
 * <ul>
 *   <li>{@code Δ = mean_su d_su}.
 *   <li>{@code B} pigeonhole resamples ({@link ClusterBootstrap}: seeds and users drawn
 *       independently with replacement) give the shape of Δ's distribution. Their spread is biased:
 *       it counts the seed x user residual three times and shrinks the seed part by
 *       {@code (S - 1)/S}, which with 5 seeds and realistic noise makes a 5% test reject about 1%
 *       of the time when nothing differs. So the centered resamples are rescaled to the unbiased
 *       crossed-design variance {@code V} of {@link CrossedVariance} and widened by
 *       {@code t_{df, 0.975} / z_{0.975}} ({@code df}: Satterthwaite), which accounts for
 *       estimating run-to-run noise from few seeds: with {@code q_p} the resamples' p-quantile,
 *       {@code [Δ + k (q_0.025 - Δ), Δ + k (q_0.975 - Δ)]},
 *       {@code k = sqrt(V / var*) t_{df,0.975} / z_{0.975}}.
 *   <li>The p-value is the matching two-sided test {@code t = Δ / sqrt(V)} with {@code df} degrees
 *       of freedom (the crossed random-effects test); for a symmetric resample distribution the
 *       interval excludes 0 exactly when {@code p < 0.05}.
 * </ul>
 * In a simulation with no true difference, realistic user and seed effects (cross-seed correlation
 * of per-user differences 0.25) and 943 users x 5 seeds, this procedure rejects 4-6% of
 * comparisons at the 5% level, the uncorrected pigeonhole interval 1-3%, and a paired t-test on
 * per-query values pooled over seeds 19-28% ({@code CrossedComparisonTest}).
 *
 * <h2>Effect sizes</h2>
 * <ul>
 *   <li>relative difference {@code Δ / mean(baseline)}, with the same interval construction applied
 *       to the linearized cells {@code (d_su - R b_su) / mean(b)} (delta method);
 *   <li>standardized difference {@code Δ / sd(d_su)} (sd over all cells), whose interval is Δ's
 *       divided by that sd (its own sampling error, about {@code 1/sqrt(2SU)} relative, is
 *       ignored).
 * </ul>
 *
 * <h2>Seed-level test</h2>
 * A paired t-test on the {@code S} per-seed means of the kept users ({@code S - 1} degrees of
 * freedom), seeds as the unit. It asks whether the difference exceeds run-to-run noise <em>on these
 * test users</em>; it does not account for the users being a sample, so for claims about users in
 * general it rejects too often when users differ persistently (13-19% in the simulation above with
 * little run noise).
 */
public final class CrossedComparison {
  /** Confidence level of every interval. */
  public static final double LEVEL = 0.95;

  private CrossedComparison() {}

  /**
   * The outcome of one comparison (method minus baseline).
   *
   * @param seeds S
   * @param users U (kept users)
   * @param droppedUsers users not evaluated with a finite value in every run
   * @param baselineMean mean of the baseline over the table
   * @param methodMean mean of the method over the table
   * @param difference Δ
   * @param lower lower end of Δ's 95% cluster-bootstrap interval
   * @param upper upper end
   * @param se {@code sqrt(V)}
   * @param df Satterthwaite degrees of freedom of V
   * @param pValue two-sided p of {@code t = Δ / se} on {@code df} degrees of freedom
   * @param relative {@code Δ / baselineMean} ({@code NaN} when the baseline's mean is 0)
   * @param relativeLower lower end of its 95% interval
   * @param relativeUpper upper end
   * @param effectSize {@code Δ / sd(d_su)} ({@code NaN} when every difference is equal)
   * @param effectSizeLower lower end of its 95% interval
   * @param effectSizeUpper upper end
   * @param seedLevel paired t-test on the per-seed means ({@code n} = S; {@code null} with 1 seed)
   * @param resamples bootstrap resamples used
   */
  public record Result(int seeds, int users, int droppedUsers, double baselineMean, double methodMean,
      double difference, double lower, double upper, double se, double df, double pValue,
      double relative, double relativeLower, double relativeUpper,
      double effectSize, double effectSizeLower, double effectSizeUpper,
      TestResult seedLevel, int resamples) {

    /** Whether the 95% interval of Δ excludes 0. */
    public boolean intervalExcludesZero() {
      return lower > 0 || upper < 0;
    }
  }

  /**
   * Runs the comparison.
   *
   * @param resamples bootstrap resamples (at least 100)
   * @param rng the bootstrap's stream
   * @throws IllegalArgumentException with fewer than 2 seeds or 2 users
   */
  public static Result compare(SeedUserSample sample, int resamples, SplittableRandom rng) {
    if (sample.numSeeds() < 2 || sample.numUsers() < 2) {
      throw new IllegalArgumentException("a seed x user comparison needs at least 2 seeds and 2 users, got "
          + sample.numSeeds() + " seeds and " + sample.numUsers() + " users");
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be at least 100, got " + resamples);
    }
    double[][] d = sample.differences();
    CrossedVariance v = CrossedVariance.of(d);
    double delta = v.mean();
    double baseMean = mean(sample.baseline());
    double methodMean = mean(sample.method());

    double rel = baseMean == 0 ? Double.NaN : delta / baseMean;
    double[][] z = null;
    if (!Double.isNaN(rel)) {
      z = new double[d.length][d[0].length];
      for (int s = 0; s < d.length; s++) {
        for (int u = 0; u < d[s].length; u++) {
          z[s][u] = (d[s][u] - rel * sample.baseline()[s][u]) / baseMean;
        }
      }
    }
    double[][][] tables = z == null ? new double[][][] {d} : new double[][][] {d, z};
    double[][] reps = ClusterBootstrap.replicates(tables, resamples, rng);

    double[] ci = interval(delta, v, reps[0]);
    double p = pValue(delta, v);
    double relLo = Double.NaN;
    double relHi = Double.NaN;
    if (z != null) {
      CrossedVariance vz = CrossedVariance.of(z);
      double[] cz = interval(0, vz, reps[1]);
      relLo = rel + cz[0];
      relHi = rel + cz[1];
    }
    double sd = cellSd(d, delta);
    if (sd <= 1e-12 * Math.max(1, Math.abs(delta))) {
      sd = 0; // equal differences up to rounding: no spread to standardize by
    }
    double es = sd > 0 ? delta / sd : Double.NaN;
    TestResult seedLevel = Significance.pairedT(SeedUserSample.seedMeans(sample.method()),
        SeedUserSample.seedMeans(sample.baseline()));
    return new Result(sample.numSeeds(), sample.numUsers(), sample.droppedUsers(), baseMean, methodMean, delta,
        ci[0], ci[1], v.se(), v.df(), p, rel, relLo, relHi, es, sd > 0 ? ci[0] / sd : Double.NaN,
        sd > 0 ? ci[1] / sd : Double.NaN, seedLevel, resamples);
  }

  /** Two-sided p of {@code t = estimate / se} on Satterthwaite df; 1 or 0 when the variance is 0. */
  static double pValue(double estimate, CrossedVariance v) {
    if (!(v.variance() > 0) || Double.isNaN(v.df())) {
      return estimate == 0 ? 1 : 0;
    }
    double t = estimate / v.se();
    return Math.min(1, 2 * new TDistribution(v.df()).cumulativeProbability(-Math.abs(t)));
  }

  /**
   * The corrected percentile interval around {@code estimate}: resample quantiles rescaled to the
   * crossed variance and widened by {@code t_df / z} (see the class comment).
   */
  static double[] interval(double estimate, CrossedVariance v, double[] replicates) {
    if (!(v.variance() > 0) || Double.isNaN(v.df())) {
      return new double[] {estimate, estimate};
    }
    double alpha = 1 - LEVEL;
    double t = new TDistribution(v.df()).inverseCumulativeProbability(1 - alpha / 2);
    double zq = new NormalDistribution().inverseCumulativeProbability(1 - alpha / 2);
    double varStar = variance(replicates);
    if (!(varStar > 0)) {
      double half = t * v.se();
      return new double[] {estimate - half, estimate + half};
    }
    double k = Math.sqrt(v.variance() / varStar) * t / zq;
    double[] sorted = replicates.clone();
    Arrays.sort(sorted);
    // the resamples are centered on the table's own estimate (the pigeonhole mean is unbiased)
    double center = v.mean();
    double lo = ClusterBootstrap.quantile(sorted, alpha / 2);
    double hi = ClusterBootstrap.quantile(sorted, 1 - alpha / 2);
    return new double[] {estimate + k * (lo - center), estimate + k * (hi - center)};
  }

  private static double mean(double[][] x) {
    double sum = 0;
    long n = 0;
    for (double[] row : x) {
      for (double v : row) {
        sum += v;
        n++;
      }
    }
    return sum / n;
  }

  private static double variance(double[] x) {
    double m = 0;
    for (double v : x) {
      m += v;
    }
    m /= x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return ss / (x.length - 1);
  }

  private static double cellSd(double[][] d, double mean) {
    double ss = 0;
    long n = 0;
    for (double[] row : d) {
      for (double v : row) {
        ss += (v - mean) * (v - mean);
        n++;
      }
    }
    return n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  }
}
