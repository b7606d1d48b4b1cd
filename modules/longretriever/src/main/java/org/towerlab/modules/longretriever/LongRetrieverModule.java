package org.towerlab.modules.longretriever;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the LongRetriever components. */
public final class LongRetrieverModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "longretriever", LongRetrieverTowerConfig.class,
        (c, ctx) -> new LongRetrieverTower(c, ctx.path()),
        "LongRetriever user tower: one vector per item-category context of a by-category behaviour sequence"
            + " (the target's category in training, the selected categories at serving)");
    register(Kind.INTERACTION, "multi-context", MultiContextInteractionConfig.class,
        (c, ctx) -> new MultiContextInteraction(c, ctx.path()),
        "LongRetriever's multi-context retrieval: cosine of the context vector in training; at evaluation one"
            + " retrieval per selected category, merged with quotas (rank-based scores)");
  }
}
