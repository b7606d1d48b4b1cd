package org.towerlab.tracking.local;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of the {@code local} tracker ({@code tracking: {type: local}}): the run store under the
 * run directory, which is always written.
 *
 * @param fsync force each write to disk before it is renamed into place (default {@code true};
 *     turning it off only speeds up tests on slow disks, at the price of durability on power loss)
 */
public record LocalTrackerConfig(Boolean fsync) implements ComponentConfig.Tracker {
  public LocalTrackerConfig {
    fsync = fsync == null ? Boolean.TRUE : fsync;
  }

  /** The defaults. */
  public LocalTrackerConfig() {
    this(null);
  }
}
