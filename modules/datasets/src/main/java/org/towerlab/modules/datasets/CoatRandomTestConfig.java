package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link CoatRandomTest}.
 *
 * @param minRating positives are ratings {@code >= min-rating}; default 4 (the usual Coat
 *     binarization, as in Saito et al., WSDM 2020)
 * @param label the label that decides positives; default {@code rating}
 * @param kCore k-core filter on positives; default 0
 * @param excludeSeen recorded for evaluators; default true
 * @param validRatio share of each user's self-selected rows used for validation; default 0.1
 */
public record CoatRandomTestConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen,
    Double validRatio) implements ComponentConfig.Protocol {

  public CoatRandomTestConfig {
    ProtocolSupport.checkCommon(minRating, kCore);
    minRating = minRating == null ? 4.0 : minRating;
    label = label == null ? "rating" : label;
    kCore = kCore == null ? 0 : kCore;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
    validRatio = validRatio == null ? 0.1 : validRatio;
    if (!(validRatio >= 0 && validRatio < 1)) {
      throw new IllegalArgumentException("valid-ratio must be in [0, 1), got " + validRatio);
    }
  }

  public static CoatRandomTestConfig defaults() {
    return new CoatRandomTestConfig(null, null, null, null, null);
  }
}
