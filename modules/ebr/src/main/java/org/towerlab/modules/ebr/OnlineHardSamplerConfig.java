package org.towerlab.modules.ebr;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param k how many of the hardest in-batch negatives each query gets (EBR: at most 2 was best,
 *     more hurt)
 * @param numEasy how many uniform corpus items to add as easy negatives, shared by the batch (0 =
 *     only the mined in-batch negatives)
 * @param excludeKnownPositives whether a column whose item is a known training positive of the
 *     row's query (another row of the same user, for example) is never chosen; the paper does not
 *     say, but with several rows per user in a batch the hardest "negative" is usually such an item
 */
public record OnlineHardSamplerConfig(Integer k, Integer numEasy, Boolean excludeKnownPositives)
    implements ComponentConfig.Sampler {
  public OnlineHardSamplerConfig {
    k = k == null ? 2 : k;
    numEasy = numEasy == null ? 0 : numEasy;
    excludeKnownPositives = excludeKnownPositives == null ? true : excludeKnownPositives;
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    if (numEasy < 0) {
      throw new IllegalArgumentException("num-easy must be >= 0, got " + numEasy);
    }
  }
}
