package org.towerlab.evaluators;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the evaluators of this module. */
public final class EvaluatorsModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.EVALUATOR, "topk", TopKEvaluatorConfig.class, (c, ctx) -> new TopKEvaluator(c, ctx.path()),
        "Full-corpus top-K ranking: recall, hit, ndcg, mrr, precision, coverage, average popularity; per label and scorer");
    register(Kind.EVALUATOR, "pointwise", PointwiseEvaluatorConfig.class, (c, ctx) -> new PointwiseEvaluator(c, ctx.path()),
        "Pointwise CTR metrics over labelled rows: auc, gauc, logloss; per label and scorer");
    register(Kind.EVALUATOR, "truth", TruthEvaluatorConfig.class, (c, ctx) -> new TruthEvaluator(c, ctx.path()),
        "Full-corpus top-K against the true relevance (simulator): truth/recall, truth/ndcg, truth/relevance");
    register(Kind.EVALUATOR, "cascade", CascadeEvaluatorConfig.class, (c, ctx) -> new CascadeEvaluator(c, ctx.path()),
        "A stage against a reference (truth or a ranker) over its candidates: recall@m@k, opa, ndcg@k");
    register(Kind.EVALUATOR, "ips", IpsEvaluatorConfig.class, (c, ctx) -> new IpsEvaluator(c, ctx.path()),
        "Off-policy value of the model's ranking from logged propensities: ips, snips, intervals, ess");
  }
}
