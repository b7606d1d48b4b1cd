package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param label the pair label used as the target of each logged pair ({@code positive} by
 *     default; any binary label of the log, for example {@code click})
 */
public record BceLossConfig(String label) implements ComponentConfig.Loss {
  public BceLossConfig {
    label = label == null ? "positive" : label;
  }
}
