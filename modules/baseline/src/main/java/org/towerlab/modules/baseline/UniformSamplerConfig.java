package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param numNegatives how many items to draw uniformly from the corpus
 * @param shared true: one set scored by every query ({@code [M]}); false: a set per query
 */
public record UniformSamplerConfig(Integer numNegatives, Boolean shared) implements ComponentConfig.Sampler {
  public UniformSamplerConfig {
    numNegatives = numNegatives == null ? 100 : numNegatives;
    shared = shared == null ? true : shared;
    if (numNegatives <= 0) {
      throw new IllegalArgumentException("num-negatives must be positive, got " + numNegatives);
    }
  }
}
