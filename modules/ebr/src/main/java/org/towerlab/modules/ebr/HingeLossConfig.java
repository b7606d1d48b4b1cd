package org.towerlab.modules.ebr;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param margin the triplet margin {@code m}, in score units (cosine units with the {@code cosine}
 *     interaction at temperature 1). EBR tunes it per task and reports 5-10% recall variance across
 *     margins; 0.2 is our default, not a value from the paper.
 * @param reduction how each row's valid negatives are combined: {@code mean} (default; with the
 *     offline sampler the easy:hard ratio then weighs the two kinds) or {@code sum} (the paper's
 *     {@code sum over triplets})
 */
public record HingeLossConfig(Double margin, String reduction) implements ComponentConfig.Loss {
  public HingeLossConfig {
    margin = margin == null ? 0.2 : margin;
    reduction = reduction == null ? "mean" : reduction;
    if (!(margin >= 0) || margin.isInfinite()) {
      throw new IllegalArgumentException("margin must be a finite number >= 0, got " + margin);
    }
    if (!reduction.equals("mean") && !reduction.equals("sum")) {
      throw new IllegalArgumentException("reduction must be 'mean' or 'sum', got '" + reduction + "'");
    }
  }
}
