package org.towerlab.modules.metarelated;

import org.towerlab.api.Kind;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Tower;
import org.towerlab.registry.TowerlabModule;

/** Registers the components of Meta's related-item retrieval. */
public final class MetaRelatedModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.DATA, "co-engagement", CoEngagementConfig.class, (c, ctx) -> new CoEngagement(c,
        ctx.build(Kind.DATA, c.source(), "source", DataSource.class), ctx.path()),
        "Item-to-item (related-item) data: co-engaged pairs of a user-level source, with a semantic relevance label");
    register(Kind.PROTOCOL, "related-temporal", RelatedTemporalConfig.class, (c, ctx) -> new RelatedTemporal(c),
        "Time cut of co-engagement pairs by their later event; optional relabelling y = engaged AND relevant");
    register(Kind.LOSS, "popularity-ipw", PopularityIpwLossConfig.class, (c, ctx) -> new PopularityIpwLoss(c,
        ctx.build(Kind.LOSS, c.loss(), "loss", Loss.class), ctx.path()),
        "Popularity inverse-propensity weights w = clip(p^-beta) around any loss (self-normalized)");
    register(Kind.TOWER, "task-heads", TaskHeadsTowerConfig.class, (c, ctx) -> new TaskHeadsTower(c,
        ctx.build(Kind.TOWER, c.base(), "base", Tower.class), ctx.path()),
        "Engagement and relevance heads over any base tower (multi-task related-item retrieval)");
    register(Kind.INTERACTION, "task-heads", TaskHeadsInteractionConfig.class, (c, ctx) -> new TaskHeadsInteraction(c),
        "Engagement and relevance scores of task-heads towers; tasks engagement, relevance (and blend)");
    register(Kind.LOSS, "meta-multitask", MultiTaskLossConfig.class, (c, ctx) -> new MultiTaskLoss(c,
        ctx.build(Kind.LOSS, c.engagement(), "engagement", Loss.class), ctx.path()),
        "Engagement loss + lambda BCE of the relevance head (in-batch pairs, targets from the relevance rule)");
    register(Kind.EVALUATOR, "semantic", SemanticEvaluatorConfig.class, (c, ctx) -> new SemanticEvaluator(c,
        ctx.path()), "Semantic relevance of the top-K: relevant share and mean relevance (related-item data)");
  }
}
