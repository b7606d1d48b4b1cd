package org.towerlab.modules.datasets;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link Ctr}.
 *
 * @param minRating when set, positives are rows with {@code label >= min-rating} and nothing is
 *     dropped (overrides {@code threshold}); default none
 * @param label the label to binarize; default rating, else click
 * @param kCore k-core filter on positives (negatives of dropped users and items go too); default 0
 * @param excludeSeen recorded for evaluators; default true
 * @param threshold rows with {@code label > threshold} are positives; default 3 for {@code rating},
 *     0.5 for other labels (resolved at split time and recorded)
 * @param dropEqual drop rows with {@code label == threshold}; default true
 * @param temporal cut by time instead of at random; default false
 * @param ratios train, valid, test shares of the rows; default [0.8, 0.1, 0.1]
 */
public record CtrConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen, Double threshold,
    Boolean dropEqual, Boolean temporal, List<Double> ratios) implements ComponentConfig.Protocol {

  public CtrConfig {
    ProtocolSupport.checkCommon(minRating, kCore);
    kCore = kCore == null ? 0 : kCore;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
    if (threshold != null && !Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be a finite number, got " + threshold);
    }
    dropEqual = dropEqual == null ? Boolean.TRUE : dropEqual;
    temporal = temporal == null ? Boolean.FALSE : temporal;
    ratios = ratios == null ? List.of(0.8, 0.1, 0.1) : ProtocolSupport.ratios(ratios, 3, "ratios");
  }

  public static CtrConfig defaults() {
    return new CtrConfig(null, null, null, null, null, null, null, null);
  }
}
