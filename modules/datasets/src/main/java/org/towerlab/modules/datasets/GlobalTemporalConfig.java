package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link GlobalTemporal}. Common options as in {@link PerUserRatioConfig}.
 *
 * @param minRating positives are rows with {@code label >= min-rating}; default none ({@code label > 0})
 * @param label the label that decides positives; default rating, else click, else none
 * @param kCore k-core filter on positives; default 0
 * @param excludeSeen recorded for evaluators; default true
 * @param validStart quantile of the timestamps where validation starts; default 0.8
 * @param testStart quantile of the timestamps where test starts; default 0.9
 */
public record GlobalTemporalConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen,
    Double validStart, Double testStart) implements ComponentConfig.Protocol {

  public GlobalTemporalConfig {
    ProtocolSupport.checkCommon(minRating, kCore);
    kCore = kCore == null ? 0 : kCore;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
    validStart = validStart == null ? 0.8 : validStart;
    testStart = testStart == null ? 0.9 : testStart;
    if (!(validStart > 0 && validStart <= testStart && testStart <= 1)) {
      throw new IllegalArgumentException("need 0 < valid-start <= test-start <= 1, got valid-start " + validStart
          + " and test-start " + testStart);
    }
  }
}
