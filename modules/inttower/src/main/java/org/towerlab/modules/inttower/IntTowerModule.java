package org.towerlab.modules.inttower;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the IntTower components. */
public final class IntTowerModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "inttower-user", IntTowerUserTowerConfig.class, (c, ctx) -> new IntTowerUserTower(c, ctx.path()),
        "IntTower user tower: Light-SE, per-layer FE projections into heads, contrastive interaction regularization");
    register(Kind.TOWER, "inttower-item", IntTowerItemTowerConfig.class, (c, ctx) -> new IntTowerItemTower(c, ctx.path()),
        "IntTower item tower: Light-SE, one FE projection of the last layer into heads");
    register(Kind.INTERACTION, "fe-block", FeBlockInteractionConfig.class, (c, ctx) -> new FeBlockInteraction(c),
        "IntTower FE-Block: sum over user layers and heads of the max dot product with the item heads");
  }
}
