package org.towerlab.modules.dat;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the DAT components. */
public final class DatModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "dat", DatTowerConfig.class, (c, ctx) -> new DatTower(c, ctx.path()),
        "DAT tower: ID-keyed augmented vector fed into an MLP, Adaptive-Mimic and Category Alignment losses");
  }
}
