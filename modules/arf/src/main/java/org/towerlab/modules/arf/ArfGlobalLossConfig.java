package org.towerlab.modules.arf;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link ArfGlobalLoss} ({@code arf-global}).
 *
 * @param temperature NeuralSort temperature {@code tau} on the list scores; default 1.0
 */
public record ArfGlobalLossConfig(Double temperature) implements ComponentConfig.Loss {

  public ArfGlobalLossConfig {
    temperature = temperature == null ? 1.0 : temperature;
    checkTemperature(temperature);
  }

  static void checkTemperature(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
    }
  }
}
