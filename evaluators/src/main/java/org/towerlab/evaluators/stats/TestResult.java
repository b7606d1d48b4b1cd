package org.towerlab.evaluators.stats;

/**
 * The outcome of a two-sided paired test of run A against run B.
 *
 * @param test the test's name ({@code paired-t}, {@code wilcoxon-exact}, {@code wilcoxon-normal})
 * @param n number of pairs used (for Wilcoxon: pairs with a non-zero difference)
 * @param meanDifference mean of {@code a - b} over all pairs
 * @param statistic t for the t-test; W+ (sum of the ranks of positive differences) for Wilcoxon
 * @param pValue two-sided p-value
 */
public record TestResult(String test, int n, double meanDifference, double statistic, double pValue) {}
