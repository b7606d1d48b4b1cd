/**
 * Evaluators: full-corpus top-K ranking metrics ({@link org.towerlab.evaluators.TopKEvaluator},
 * registered as {@code topk}), pointwise CTR metrics
 * ({@link org.towerlab.evaluators.PointwiseEvaluator}, {@code pointwise}), both per label and per
 * named scorer; top-K against the true relevance of simulated data
 * ({@link org.towerlab.evaluators.TruthEvaluator}, {@code truth}); cascade-stage agreement
 * with a reference, Recall@m@k, OPA and ranker-agreement NDCG
 * ({@link org.towerlab.evaluators.CascadeEvaluator}, {@code cascade}); and significance statistics
 * in {@code stats}. Exact definitions, tie and seen-item handling: {@code docs/metrics.md}.
 */
package org.towerlab.evaluators;
