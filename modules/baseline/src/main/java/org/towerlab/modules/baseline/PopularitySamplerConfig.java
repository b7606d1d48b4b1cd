package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param numNegatives how many items to draw
 * @param shared true: one set scored by every query; false: a set per query
 * @param alpha items are drawn with probability proportional to {@code (count + 1)^alpha}
 *     (word2vec's 0.75 by default; 0 = uniform, 1 = unigram)
 * @param excludePositives redraw a negative that is a known training positive of its query (needs
 *     {@code shared: false}); default false
 */
public record PopularitySamplerConfig(Integer numNegatives, Boolean shared, Double alpha, Boolean excludePositives)
    implements ComponentConfig.Sampler {
  public PopularitySamplerConfig {
    numNegatives = numNegatives == null ? 100 : numNegatives;
    shared = shared == null ? true : shared;
    excludePositives = excludePositives == null ? false : excludePositives;
    if (shared && excludePositives) {
      throw new IllegalArgumentException("exclude-positives: true needs shared: false (a shared set is scored by"
          + " every query, so it cannot leave out each query's own positives)");
    }
    alpha = alpha == null ? 0.75 : alpha;
    if (numNegatives <= 0) {
      throw new IllegalArgumentException("num-negatives must be positive, got " + numNegatives);
    }
    if (alpha < 0) {
      throw new IllegalArgumentException("alpha must be >= 0, got " + alpha);
    }
  }
}
