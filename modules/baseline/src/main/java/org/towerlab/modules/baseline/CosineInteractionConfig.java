package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/** @param temperature the divisor of the cosine similarity (Yi et al. 2019 tune it; 0.05 is a common default) */
public record CosineInteractionConfig(Double temperature) implements ComponentConfig.Interaction {
  public CosineInteractionConfig {
    temperature = temperature == null ? 0.05 : temperature;
    if (temperature <= 0) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
  }
}
