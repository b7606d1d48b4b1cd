package org.towerlab.evaluators;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Inverse propensity scoring (IPS) and self-normalized IPS (SNIPS) of a target policy's expected
 * reward from logged rows, with normal-approximation intervals and the effective sample size.
 *
 * <p>Input: for each of {@code n} logged rows the importance weight
 * {@code w_i = min(pi_e(a_i | x_i) / pi_0(a_i | x_i), M)} (the clip {@code M} is applied by the
 * caller) and the logged reward {@code r_i}. Then
 *
 * <ul>
 *   <li>{@code IPS = (1/n) sum_i w_i r_i} (Horvitz and Thompson 1952), unbiased for the target
 *       policy's value when {@code pi_0 > 0} wherever {@code pi_e > 0} and nothing is clipped;
 *       interval {@code IPS +- z s / sqrt(n)}, {@code s} the sample standard deviation ({@code n - 1})
 *       of {@code w_i r_i} (central limit theorem);
 *   <li>{@code SNIPS = sum_i w_i r_i / sum_i w_i} (Swaminathan and Joachims, "The Self-Normalized
 *       Estimator for Counterfactual Learning", NeurIPS 2015), consistent, biased in small samples,
 *       NaN when {@code sum w = 0}; delta-method interval {@code SNIPS +- z sqrt(V)} with
 *       {@code V = sum_i w_i^2 (r_i - SNIPS)^2 / (sum_i w_i)^2} (the ratio estimator's variance,
 *       Owen, "Monte Carlo theory, methods and examples", 2013, section 9.2);
 *   <li>{@code ESS = (sum_i w_i)^2 / sum_i w_i^2} (Kish's effective sample size; 0 when every weight
 *       is 0).
 * </ul>
 *
 * {@code z} is the standard normal {@code (1 + level)/2} quantile. Intervals are NaN for fewer
 * than two rows.
 */
record OffPolicyEstimate(int n, double ips, double ipsLower, double ipsUpper, double snips, double snipsLower,
    double snipsUpper, double ess, double weightSum) {

  /**
   * @param w importance weights, {@code >= 0}, one per row
   * @param r rewards, one per row
   * @param level two-sided coverage of the intervals, in (0, 1)
   */
  static OffPolicyEstimate of(double[] w, double[] r, double level) {
    if (w.length != r.length) {
      throw new IllegalArgumentException(w.length + " weights for " + r.length + " rewards");
    }
    int n = w.length;
    double z = new NormalDistribution().inverseCumulativeProbability((1 + level) / 2);
    double sumW = 0;
    double sumW2 = 0;
    double sumWr = 0;
    for (int i = 0; i < n; i++) {
      sumW += w[i];
      sumW2 += w[i] * w[i];
      sumWr += w[i] * r[i];
    }
    double ips = n == 0 ? Double.NaN : sumWr / n;
    double ipsHalf = Double.NaN;
    if (n >= 2) {
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double d = w[i] * r[i] - ips;
        ss += d * d;
      }
      ipsHalf = z * Math.sqrt(ss / (n - 1) / n);
    }
    double snips = sumW > 0 ? sumWr / sumW : Double.NaN;
    double snipsHalf = Double.NaN;
    if (n >= 2 && sumW > 0) {
      double v = 0;
      for (int i = 0; i < n; i++) {
        double d = w[i] * (r[i] - snips);
        v += d * d;
      }
      snipsHalf = z * Math.sqrt(v) / sumW;
    }
    double ess = sumW2 > 0 ? sumW * sumW / sumW2 : 0;
    return new OffPolicyEstimate(n, ips, ips - ipsHalf, ips + ipsHalf, snips, snips - snipsHalf,
        snips + snipsHalf, ess, sumW);
  }
}
