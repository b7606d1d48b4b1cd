package org.towerlab.registry;

import org.towerlab.api.config.ComponentConfig;

/**
 * Builds a component from its bound config record and the services of the run.
 *
 * @param <C> the config record
 * @param <T> the component (a {@code Tower}, a {@code Loss}, ...)
 */
@FunctionalInterface
public interface ComponentFactory<C extends ComponentConfig, T> {
  T create(C config, BuildContext ctx);
}
