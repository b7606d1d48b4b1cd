package org.towerlab.modules.poly;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the Poly-encoder components. */
public final class PolyModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "poly", PolyTowerConfig.class, (c, ctx) -> new PolyTower(c, ctx.path()),
        "Poly-encoder context tower: m learned codes attend over the side's field and sequence tokens (heads = m context vectors)");
    register(Kind.INTERACTION, "poly", PolyInteractionConfig.class, (c, ctx) -> new PolyInteraction(c),
        "Poly-encoder candidate attention: the candidate attends over the query's context vectors, then a dot product");
  }
}
