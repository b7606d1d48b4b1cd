package org.towerlab.api.sampling;

/**
 * A sampler whose draws follow a known distribution. A mixture of such samplers corrects every
 * candidate by the mixture's density, {@code q(j | x) = sum_s n_s q_s(j | x) / sum_s n_s} with
 * {@code n_s} the number of draws of source {@code s} per row, which is the proposal the
 * candidates were really drawn from (Yang et al., "Mixed Negative Sampling", WWW 2020; the same
 * rule as the {@code mixed} sampler).
 */
public interface Proposal {

  /** Probability that one draw for {@code query} yields {@code item}. */
  double probability(long query, long item, SamplerContext ctx);

  /** Draws per row in a batch of {@code batchSize} rows (in-batch sampling: {@code batchSize}). */
  int draws(int batchSize);
}
