package org.towerlab.modules.datasets;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link PerUserRatio}.
 *
 * @param minRating rows with {@code label >= min-rating} are positives; default none = every row
 *     with {@code label > 0} (every rating) is a positive
 * @param label the label that decides positives; default {@code rating} if the data has it, else
 *     {@code click}, else none (every row positive)
 * @param kCore iteratively drop users and items with fewer than this many positives; default 0
 * @param excludeSeen whether evaluators mask items seen in training; default true (recorded only)
 * @param ratios train, valid, test shares per user; default [0.8, 0.1, 0.1]
 * @param unit what the ratios cut: {@code row} (default) = each user's positive rows (and, on
 *     their own stream, the user's logged non-positive rows); {@code request} = each user's
 *     requests, every row of a request (positives, shown negatives, unexposed candidates) in one
 *     part, so that a request's candidate list is whole in training. {@code request} needs a data
 *     set with request ids
 */
public record PerUserRatioConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen,
    List<Double> ratios, String unit) implements ComponentConfig.Protocol {

  public PerUserRatioConfig {
    ProtocolSupport.checkCommon(minRating, kCore);
    kCore = kCore == null ? 0 : kCore;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
    ratios = ratios == null ? List.of(0.8, 0.1, 0.1) : ProtocolSupport.ratios(ratios, 3, "ratios");
    unit = unit == null ? "row" : unit;
    if (!unit.equals("row") && !unit.equals("request")) {
      throw new IllegalArgumentException("unit must be row or request, got '" + unit + "'");
    }
  }

  /** Cut by rows. */
  public PerUserRatioConfig(Double minRating, String label, Integer kCore, Boolean excludeSeen, List<Double> ratios) {
    this(minRating, label, kCore, excludeSeen, ratios, null);
  }

  public static PerUserRatioConfig defaults() {
    return new PerUserRatioConfig(null, null, null, null, null, null);
  }
}
