/**
 * Evaluators: full-corpus top-K ranking metrics ({@link org.towerlab.evaluators.TopKEvaluator},
 * registered as {@code topk}) and pointwise CTR metrics
 * ({@link org.towerlab.evaluators.PointwiseEvaluator}, {@code pointwise}), with significance
 * statistics in {@code stats}. Exact definitions, tie and seen-item handling: {@code docs/metrics.md}.
 */
package org.towerlab.evaluators;
