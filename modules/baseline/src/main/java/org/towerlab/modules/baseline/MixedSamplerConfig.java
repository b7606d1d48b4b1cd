package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param numNegatives how many uniform corpus items to add to the in-batch negatives (shared by
 *     the batch, as in Yang et al. 2020)
 * @param logq whether to report the mixture's log sampling probabilities for logQ correction
 */
public record MixedSamplerConfig(Integer numNegatives, Boolean logq) implements ComponentConfig.Sampler {
  public MixedSamplerConfig {
    numNegatives = numNegatives == null ? 256 : numNegatives;
    logq = logq == null ? true : logq;
    if (numNegatives <= 0) {
      throw new IllegalArgumentException("num-negatives must be positive, got " + numNegatives);
    }
  }
}
