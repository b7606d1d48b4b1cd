package org.towerlab.modules.inttower;

import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link FeBlockInteraction}.
 *
 * @param bias whether a learned scalar b0 is added to the score (official code: the prediction
 *     layer's bias, {@code y = sigmoid(s + b0)}); it changes no ranking and no softmax
 * @param temperature the divisor of the summed MaxSim score (paper: 1)
 * @param normalize whether each head is L2-normalized before the dot products (paper: no)
 * @param chunk the largest number of head similarities computed at once when scoring a block of
 *     queries against many items ({@code [rows, L*H, items, H']}); bounds memory, not the result
 */
public record FeBlockInteractionConfig(Boolean bias, Double temperature, Boolean normalize, Long chunk)
    implements ComponentConfig.Interaction {

  public FeBlockInteractionConfig {
    bias = bias == null ? Boolean.TRUE : bias;
    temperature = temperature == null ? 1.0 : temperature;
    normalize = normalize == null ? Boolean.FALSE : normalize;
    chunk = chunk == null ? 1L << 24 : chunk;
    if (!(temperature > 0) || temperature.isInfinite()) {
      throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
    }
    if (chunk <= 0) {
      throw new IllegalArgumentException("chunk must be positive, got " + chunk);
    }
  }
}
