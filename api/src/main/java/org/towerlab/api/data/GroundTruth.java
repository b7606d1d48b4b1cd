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

  /**
   * The true semantic similarity of two items (for example the cosine of their true latent content
   * vectors), in {@code [-1, 1]}, or {@code NaN} when the world has no item-level truth. Related-item
   * data built on a simulator use it as the true relevance of a candidate to its seed item.
   */
  default double itemSimilarity(int a, int b) {
    return Double.NaN;
  }
}
