package org.towerlab.modules.gnolr;

import org.towerlab.api.Kind;
import org.towerlab.api.model.Tower;
import org.towerlab.registry.TowerlabModule;

/** Registers the GNOLR components. */
public final class GnolrModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TOWER, "gnolr", GnolrTowerConfig.class, (c, ctx) -> new GnolrTower(c,
        c.base() == null ? null : ctx.build(Kind.TOWER, c.base(), "base", Tower.class), ctx.path()),
        "GNOLR tower: one L2-normalized head per ordered feedback level, their concatenation the unified vector"
            + " (optionally over a base tower)");
    register(Kind.INTERACTION, "gnolr", GnolrInteractionConfig.class, (c, ctx) -> new GnolrInteraction(c),
        "GNOLR's nested level scores z_k = sum_{i<=k} S_i <u_i, v_i> from one unified space; tasks = the levels");
    register(Kind.LOSS, "gnolr", GnolrLossConfig.class, (c, ctx) -> new GnolrLoss(c, ctx.path()),
        "GNOLR's nested ordinal logistic loss over ordered feedback levels (logged rows; thresholds from positive rates)");
  }
}
