package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param label the pair label used as the target of each logged pair ({@code positive} by
 *     default; any binary label of the log, for example {@code click})
 * @param reduction how the rows' terms are combined: {@code mean} (default; weighted mean over rows)
 *     or {@code sum} (weighted sum over rows, B times the mean for unit weights: the official IntTower
 *     and HIT code's {@code reduction='sum'}, which matters for the relative weight of auxiliary terms
 *     and for gradient clipping, while Adam largely absorbs the scale of the loss itself)
 */
public record BceLossConfig(String label, String reduction) implements ComponentConfig.Loss {
  public BceLossConfig {
    label = label == null ? "positive" : label;
    reduction = reduction == null ? "mean" : reduction;
    if (!reduction.equals("mean") && !reduction.equals("sum")) {
      throw new IllegalArgumentException("reduction must be 'mean' or 'sum', got '" + reduction + "'");
    }
  }

  /** The mean reduction. */
  public BceLossConfig(String label) {
    this(label, null);
  }
}
