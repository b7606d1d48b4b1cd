package org.towerlab.modules.ebr;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the components of Facebook EBR (Huang et al., KDD 2020). */
public final class EbrModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.SAMPLER, "ebr-online-hard", OnlineHardSamplerConfig.class, (c, ctx) -> new OnlineHardSampler(c),
        "EBR online hard negatives: each query's k highest-scoring other in-batch positives (+ optional easy ones)");
    register(Kind.SAMPLER, "ebr-offline-hard", OfflineHardSamplerConfig.class,
        (c, ctx) -> new OfflineHardSampler(c, ctx.path()),
        "EBR offline hard negatives: ranks 101-500 of a previous model's ranking, mixed 100:1 with easy ones");
    register(Kind.LOSS, "hinge", HingeLossConfig.class, (c, ctx) -> new HingeLoss(c),
        "Triplet hinge max(0, m - s(q,d+) + s(q,d-)); EBR's cosine-distance triplet loss with cosine at temperature 1");
    register(Kind.INTERACTION, "ebr-weighted-concat", WeightedConcatInteractionConfig.class,
        (c, ctx) -> new WeightedConcatInteraction(c, ctx.path()),
        "EBR weighted-concatenation ensemble: sum_i alpha_i cos of equal-width embedding slices");
  }
}
