package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link LeaveLastOut}. Options as in {@link PerUserRatioConfig}.
 *
 * @param minRating positives are rows with {@code label >= min-rating}; default none ({@code label > 0})
 * @param label the label that decides positives; default rating, else click, else none
 * @param kCore k-core filter on positives; default 0
 * @param excludeSeen recorded for evaluators; default true
 */
public record LeaveLastOutConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen)
    implements ComponentConfig.Protocol {

  public LeaveLastOutConfig {
    ProtocolSupport.checkCommon(minRating, kCore);
    kCore = kCore == null ? 0 : kCore;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
  }
}
