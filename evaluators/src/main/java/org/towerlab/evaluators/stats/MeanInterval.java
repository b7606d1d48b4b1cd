package org.towerlab.evaluators.stats;

/**
 * The mean of a sample with a two-sided Student-t confidence interval.
 *
 * @param n sample size
 * @param mean sample mean
 * @param lower lower bound ({@code NaN} when {@code n < 2})
 * @param upper upper bound ({@code NaN} when {@code n < 2})
 * @param level confidence level, for example 0.95
 */
public record MeanInterval(int n, double mean, double lower, double upper, double level) {

  /** Half the interval's width. */
  public double halfWidth() {
    return (upper - lower) / 2;
  }
}
