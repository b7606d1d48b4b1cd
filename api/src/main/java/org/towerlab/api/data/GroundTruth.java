package org.towerlab.api.data;

/**
 * The true relevance behind a simulated data set, so that tests can check that a method recovers
 * what it claims (for example that inverse-propensity weighting removes a popularity bias).
 */
public interface GroundTruth {
  /** True expected relevance of item {@code item} to query {@code query}, in [0, 1]. */
  double relevance(int query, int item);

  /** Probability that the logging policy exposed {@code item} to {@code query}. */
  double exposurePropensity(int query, int item);
}
