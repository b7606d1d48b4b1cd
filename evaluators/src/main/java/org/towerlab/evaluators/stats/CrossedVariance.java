package org.towerlab.evaluators.stats;

/**
 * The variance of the grand mean of a crossed {@code seed x user} table with one value per cell,
 * under the two-way random-effects model {@code x_su = mu + a_u + b_s + e_su}: {@code a_u} the
 * user's persistent effect (the same users recur in every seed), {@code b_s} the seed's effect
 * (run-to-run noise of training and splitting), {@code e_su} the rest. Users and seeds are both
 * treated as samples, so a difference that holds for these users under these seeds only does not
 * count.
 *
 * <p>With {@code S} seeds, {@code U} users, seed means {@code x_s.}, user means {@code x_.u} and
 * grand mean {@code x..}, the mean squares
 * <pre>
 *   MS_users = S sum_u (x_.u - x..)^2 / (U - 1)                        E = S var(a) + var(e)
 *   MS_seeds = U sum_s (x_s. - x..)^2 / (S - 1)                        E = U var(b) + var(e)
 *   MS_res   = sum_su (x_su - x_s. - x_.u + x..)^2 / ((S - 1)(U - 1))  E = var(e)
 * </pre>
 * give the components {@code var(a) = max(0, (MS_users - MS_res) / S)},
 * {@code var(b) = max(0, (MS_seeds - MS_res) / U)}, {@code var(e) = MS_res} and
 * {@code Var(x..) = var(a)/U + var(b)/S + var(e)/(SU)}; without truncation this is
 * {@code (MS_users + MS_seeds - MS_res) / (SU)}, the quasi-F denominator of crossed designs
 * (Cornfield and Tukey, "Average values of mean squares in factorials", Ann. Math. Statist. 1956;
 * Clark, "The language-as-fixed-effect fallacy", J. Verbal Learning and Verbal Behavior 1973). Its
 * degrees of freedom are Satterthwaite's ("An approximate distribution of estimates of variance
 * components", Biometrics Bulletin 1946): {@code df = V^2 / sum_i (c_i MS_i)^2 / df_i} over the
 * mean squares {@code MS_i} that enter {@code V = sum_i c_i MS_i}. With few seeds and large run
 * noise, {@code df} approaches {@code S - 1}; with negligible run noise it is large.
 *
 * @param seeds S
 * @param users U
 * @param mean the grand mean
 * @param msUsers MS_users
 * @param msSeeds MS_seeds
 * @param msResidual MS_res
 * @param variance the estimated variance of the grand mean
 * @param df Satterthwaite degrees of freedom ({@code NaN} when the variance is 0)
 */
public record CrossedVariance(int seeds, int users, double mean, double msUsers, double msSeeds, double msResidual,
    double variance, double df) {

  /** The standard error of the grand mean. */
  public double se() {
    return Math.sqrt(variance);
  }

  /**
   * Decomposes {@code x} {@code [S][U]}.
   *
   * @throws IllegalArgumentException with fewer than 2 seeds or 2 users, or ragged rows
   */
  public static CrossedVariance of(double[][] x) {
    int s = x.length;
    if (s < 2) {
      throw new IllegalArgumentException("a crossed seed x user variance needs at least 2 seeds, got " + s);
    }
    int u = x[0].length;
    if (u < 2) {
      throw new IllegalArgumentException("a crossed seed x user variance needs at least 2 users, got " + u);
    }
    double[] rowMean = new double[s];
    double[] colMean = new double[u];
    double grand = 0;
    for (int i = 0; i < s; i++) {
      if (x[i].length != u) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " values, row 0 has " + u);
      }
      for (int j = 0; j < u; j++) {
        rowMean[i] += x[i][j];
        colMean[j] += x[i][j];
      }
    }
    for (int i = 0; i < s; i++) {
      grand += rowMean[i];
      rowMean[i] /= u;
    }
    grand /= (double) s * u;
    for (int j = 0; j < u; j++) {
      colMean[j] /= s;
    }
    double ssUsers = 0;
    for (double m : colMean) {
      ssUsers += (m - grand) * (m - grand);
    }
    double ssSeeds = 0;
    for (double m : rowMean) {
      ssSeeds += (m - grand) * (m - grand);
    }
    double ssRes = 0;
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < u; j++) {
        double e = x[i][j] - rowMean[i] - colMean[j] + grand;
        ssRes += e * e;
      }
    }
    double dfUsers = u - 1;
    double dfSeeds = s - 1;
    double dfRes = (s - 1.0) * (u - 1.0);
    double msUsers = s * ssUsers / dfUsers;
    double msSeeds = u * ssSeeds / dfSeeds;
    double msRes = ssRes / dfRes;
    double n = (double) s * u;
    boolean userPart = msUsers > msRes;
    boolean seedPart = msSeeds > msRes;
    // V = c_users MS_users + c_seeds MS_seeds + c_res MS_res, components truncated at 0
    double cUsers = userPart ? 1 / n : 0;
    double cSeeds = seedPart ? 1 / n : 0;
    double cRes = (1 - (userPart ? 1 : 0) - (seedPart ? 1 : 0)) / n;
    double variance = cUsers * msUsers + cSeeds * msSeeds + cRes * msRes;
    double denom = sq(cUsers * msUsers) / dfUsers + sq(cSeeds * msSeeds) / dfSeeds + sq(cRes * msRes) / dfRes;
    double df = variance > 0 && denom > 0 ? variance * variance / denom : Double.NaN;
    return new CrossedVariance(s, u, grand, msUsers, msSeeds, msRes, Math.max(variance, 0), df);
  }

  private static double sq(double v) {
    return v * v;
  }
}
