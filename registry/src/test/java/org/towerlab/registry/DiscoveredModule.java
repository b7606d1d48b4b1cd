package org.towerlab.registry;

import org.towerlab.api.Kind;

/** Listed in the test META-INF/services file, so {@link Registry#discover()} finds it. */
public final class DiscoveredModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "discovered", Fixtures.IdTowerConfig.class, (c, ctx) -> c, "Found by ServiceLoader");
  }
}
