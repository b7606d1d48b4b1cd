package org.towerlab.modules.hit;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param normalize whether each head is L2-normalized before the dot products (the paper: no; with
 *     one head and {@code normalize: true} MaxSim is the baseline cosine interaction)
 * @param temperature the divisor of the summed score (the paper: 1)
 */
public record MaxSimInteractionConfig(Boolean normalize, Double temperature) implements ComponentConfig.Interaction {
  public MaxSimInteractionConfig {
    normalize = normalize == null ? Boolean.FALSE : normalize;
    temperature = temperature == null ? 1.0 : temperature;
    if (temperature <= 0 || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
  }
}
