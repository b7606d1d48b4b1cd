package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/** @param temperature softmax temperature T of {@code distill-kl} (ignored by {@code distill-mse}); default 1 */
public record DistillLossConfig(Double temperature) implements ComponentConfig.Loss {
  public DistillLossConfig {
    temperature = temperature == null ? 1.0 : temperature;
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
  }
}
