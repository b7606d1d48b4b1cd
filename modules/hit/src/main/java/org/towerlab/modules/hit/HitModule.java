package org.towerlab.modules.hit;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the HIT components. */
public final class HitModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "hit", HitTowerConfig.class, (c, ctx) -> new HitTower(c, ctx.path()),
        "HIT tower: target/non-target generators of the other side's representation + multi-head representer");
    register(Kind.INTERACTION, "max-sim", MaxSimInteractionConfig.class, (c, ctx) -> new MaxSimInteraction(c),
        "Sum over query heads of the max dot product with the item heads (HIT, ColBERT)");
  }
}
