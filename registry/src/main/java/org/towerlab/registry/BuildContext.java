package org.towerlab.registry;

import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.random.Seeds;

/**
 * What a factory receives besides its config: the config path of the section being built (for
 * error messages and seed stream names), the run's seed source, and a way to build nested
 * components (a two-tower model builds its towers and interaction through it).
 */
public interface BuildContext {

  /** JSON path of the section being built, for example {@code $.model.query-tower}. */
  String path();

  Seeds seeds();

  /** Builds a nested component; {@code key} is appended to the path ({@code query-tower}). */
  <T> T build(Kind kind, ComponentConfig config, String key, Class<T> type);

  /** A service bound in the injector (for example a clock or the data root). */
  <T> T service(Class<T> type);
}
