package org.towerlab.modules.ebr;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param weights the ensemble weights {@code alpha_i}, one per equal-width slice of the towers'
 *     output (the output width must be a multiple of their count)
 */
public record WeightedConcatInteractionConfig(List<Double> weights) implements ComponentConfig.Interaction {
  public WeightedConcatInteractionConfig {
    weights = weights == null ? List.of(1.0, 1.0) : List.copyOf(weights);
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("weights is empty; give one weight per embedding slice, got " + weights);
    }
    for (Double w : weights) {
      if (w == null || !Double.isFinite(w)) {
        throw new IllegalArgumentException("weights must be finite numbers, got " + weights);
      }
    }
  }
}
