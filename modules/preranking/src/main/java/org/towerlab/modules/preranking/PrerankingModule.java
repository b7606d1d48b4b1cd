package org.towerlab.modules.preranking;

import org.towerlab.api.Kind;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Tower;
import org.towerlab.registry.TowerlabModule;

/** Registers the pre-ranker architectures: COLD (fields tower, cold interaction) and the three-tower model. */
public final class PrerankingModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "fields", FieldsTowerConfig.class, (c, ctx) -> new FieldsTower(c, ctx.path()),
        "The side's field embeddings, concatenated, one head per field (COLD's input layer)");
    register(Kind.INTERACTION, "cold", ColdInteractionConfig.class, (c, ctx) -> new ColdInteraction(c),
        "COLD pre-ranker: MLP over both sides' fields with SE gating and field cross products (not precomputable)");
    register(Kind.MODEL, "three-tower", ThreeTowerModelConfig.class, (c, ctx) -> new ThreeTowerModel(
        ctx.build(Kind.TOWER, c.queryTower(), "query-tower", Tower.class),
        ctx.build(Kind.TOWER, c.itemTower(), "item-tower", Tower.class),
        ctx.build(Kind.INTERACTION, c.interaction(), "interaction", Interaction.class), c),
        "Two towers plus a third tower over (query, item) cross features from pair fields (item side precomputable)");
  }
}
