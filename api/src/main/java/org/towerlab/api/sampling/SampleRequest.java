package org.towerlab.api.sampling;

import java.util.SplittableRandom;

/**
 * One training batch, as the sampler sees it.
 *
 * @param queries query ids {@code [B]}
 * @param positives the positive item of each query {@code [B]}
 * @param epoch zero-based epoch
 * @param step global step
 * @param rng this step's generator, derived from the {@code sampler} stream
 */
public record SampleRequest(long[] queries, long[] positives, int epoch, long step, SplittableRandom rng) {

  public int batchSize() {
    return queries.length;
  }
}
