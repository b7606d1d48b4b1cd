package org.towerlab.modules.baseline;

import org.towerlab.api.Kind;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Tower;
import org.towerlab.registry.TowerlabModule;

/** Registers the baseline components. */
public final class BaselineModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.MODEL, "two-tower", TwoTowerModelConfig.class, (c, ctx) -> new TwoTowerModel(
        ctx.build(Kind.TOWER, c.queryTower(), "query-tower", Tower.class),
        ctx.build(Kind.TOWER, c.itemTower(), "item-tower", Tower.class),
        ctx.build(Kind.INTERACTION, c.interaction(), "interaction", Interaction.class)),
        "A query tower and an item tower scored by an interaction");
    register(Kind.MODEL, "most-popular", MostPopularModelConfig.class, (c, ctx) -> new MostPopularModel(),
        "Ranks items by training popularity: the sanity floor");
    register(Kind.TOWER, "mlp", MlpTowerConfig.class, (c, ctx) -> new MlpTower(c, ctx.path()),
        "Embedding + MLP over the side's fields (id only, no hidden layer: matrix factorization)");
    register(Kind.INTERACTION, "dot", DotInteractionConfig.class, (c, ctx) -> new DotInteraction(),
        "Inner product of the two towers' vectors");
    register(Kind.INTERACTION, "cosine", CosineInteractionConfig.class, (c, ctx) -> new CosineInteraction(c),
        "Cosine similarity divided by a temperature (normalized two-tower)");
    register(Kind.SAMPLER, "in-batch", InBatchSamplerConfig.class, (c, ctx) -> new InBatchSampler(c),
        "The batch's other positives, with their log frequency for logQ correction");
    register(Kind.SAMPLER, "uniform", UniformSamplerConfig.class,
        (c, ctx) -> new CorpusSampler(c.numNegatives(), c.shared(), 0.0, c.excludePositives()), "Items drawn uniformly from the corpus");
    register(Kind.SAMPLER, "popularity", PopularitySamplerConfig.class,
        (c, ctx) -> new CorpusSampler(c.numNegatives(), c.shared(), c.alpha(), c.excludePositives()),
        "Items drawn in proportion to (count + 1)^alpha");
    register(Kind.SAMPLER, "mixed", MixedSamplerConfig.class, (c, ctx) -> new MixedSampler(c),
        "In-batch negatives plus shared uniform corpus negatives (mixed negative sampling)");
    register(Kind.LOSS, "sampled-softmax", SampledSoftmaxLossConfig.class, (c, ctx) -> new SampledSoftmaxLoss(c),
        "Softmax over the positive and the negatives, with logQ correction and accidental-hit masking");
    register(Kind.LOSS, "bce", BceLossConfig.class, (c, ctx) -> new BceLoss(c),
        "Binary cross-entropy on logged labels and sampled negatives");
    register(Kind.LOSS, "weighted-sum", WeightedSumLossConfig.class, WeightedSumLoss::create,
        "A weighted sum of losses, with fixed weights or learned uncertainty weights");
    register(Kind.LOSS, "bpr", BprLossConfig.class, (c, ctx) -> new BprLoss(),
        "Bayesian personalized ranking: -log sigmoid(positive - negative)");
    register(Kind.LOSS, "distill-kl", DistillLossConfig.class, (c, ctx) -> new DistillLoss(true, c.temperature()),
        "KL divergence to a teacher's softmax over the same candidates (needs a teacher: distill or cascade)");
    register(Kind.LOSS, "distill-mse", DistillMseLossConfig.class, (c, ctx) -> new DistillLoss(false, 1.0),
        "Squared error to a teacher's scores of the same candidates (needs a teacher: distill or cascade)");
    register(Kind.INTERACTION, "dnn", DnnInteractionConfig.class, (c, ctx) -> new DnnInteraction(c),
        "An MLP over [q; i; q*i]: a full-interaction ranker or COLD-style pre-ranker (item side not precomputable)");
    register(Kind.SAMPLER, "exposure", ExposureSamplerConfig.class, (c, ctx) -> new ExposureSampler(c),
        "Logged items the query was shown and did not engage with (needs logged rows)");
    register(Kind.SAMPLER, "mix", MixSamplerConfig.class, MixSampler::create,
        "Several samplers side by side, every candidate corrected by the mixture's density");
  }
}
