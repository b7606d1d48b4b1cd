package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param numNegatives shown-but-not-engaged items drawn per row; default 4
 * @param logq whether to report their log sampling probabilities for logQ correction; default true
 */
public record ExposureSamplerConfig(Integer numNegatives, Boolean logq) implements ComponentConfig.Sampler {
  public ExposureSamplerConfig {
    numNegatives = numNegatives == null ? 4 : numNegatives;
    logq = logq == null ? true : logq;
    if (numNegatives <= 0) {
      throw new IllegalArgumentException("num-negatives must be positive, got " + numNegatives);
    }
  }
}
