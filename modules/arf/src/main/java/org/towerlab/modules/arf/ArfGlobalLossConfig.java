package org.towerlab.modules.arf;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link ArfGlobalLoss} ({@code arf-global}).
 *
 * @param temperature NeuralSort temperature {@code tau} on the list scores; default 1.0
 * @param ties how equal labels are targeted: {@code group} (each rank's target is its label group,
 *     so any order within a tie costs the same) or {@code break} (the tie-broken order, equal labels
 *     in slot order, is the target); the two agree when no labels tie; default group
 */
public record ArfGlobalLossConfig(Double temperature, String ties) implements ComponentConfig.Loss {

  public ArfGlobalLossConfig {
    temperature = temperature == null ? 1.0 : temperature;
    checkTemperature(temperature);
    ties = ties == null ? "group" : ties;
    checkTies("ties", ties);
  }

  static void checkTies(String key, String ties) {
    if (!ties.equals("group") && !ties.equals("break")) {
      throw new IllegalArgumentException(key + " must be group or break, got '" + ties + "'");
    }
  }

  static void checkTemperature(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
    }
  }
}
