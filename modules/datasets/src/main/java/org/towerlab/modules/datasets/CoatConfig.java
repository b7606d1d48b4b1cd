package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link Coat}.
 *
 * @param path folder holding train.ascii, test.ascii, propensities.ascii and user_item_features/;
 *     default {@code <data root>/coat}
 * @param protocol the split protocol; default {@code coat-random-test} with its defaults
 */
public record CoatConfig(String path, ComponentConfig.Protocol protocol) implements ComponentConfig.Data {

  public CoatConfig {
    protocol = protocol == null ? CoatRandomTestConfig.defaults() : protocol;
  }
}
