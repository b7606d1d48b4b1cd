package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param numNegatives how many items to draw uniformly from the corpus
 * @param shared true: one set scored by every query ({@code [M]}); false: a set per query
 * @param excludePositives redraw a negative that is a known training positive of its query
 *     (RecBole's BPR sampling; needs {@code shared: false}); default false
 */
public record UniformSamplerConfig(Integer numNegatives, Boolean shared, Boolean excludePositives)
    implements ComponentConfig.Sampler {
  public UniformSamplerConfig {
    numNegatives = numNegatives == null ? 100 : numNegatives;
    shared = shared == null ? true : shared;
    excludePositives = excludePositives == null ? false : excludePositives;
    if (shared && excludePositives) {
      throw new IllegalArgumentException("exclude-positives: true needs shared: false (a shared set is scored by"
          + " every query, so it cannot leave out each query's own positives)");
    }
    if (numNegatives <= 0) {
      throw new IllegalArgumentException("num-negatives must be positive, got " + numNegatives);
    }
  }
}
