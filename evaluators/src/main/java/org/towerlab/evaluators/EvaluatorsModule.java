package org.towerlab.evaluators;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the evaluators of this module. */
public final class EvaluatorsModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.EVALUATOR, "topk", TopKEvaluatorConfig.class, (c, ctx) -> new TopKEvaluator(c),
        "Full-corpus top-K ranking: recall, hit, ndcg, mrr, precision, coverage, average popularity");
    register(Kind.EVALUATOR, "pointwise", PointwiseEvaluatorConfig.class, (c, ctx) -> new PointwiseEvaluator(c),
        "Pointwise CTR metrics over labelled rows: auc, gauc, logloss");
  }
}
