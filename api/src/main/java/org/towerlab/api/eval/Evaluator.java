package org.towerlab.api.eval;

/**
 * Computes metrics of a model on one split part. Returns aggregate values and per-query values
 * (for paired tests across runs). Results must not depend on block or batch sizes.
 */
public interface Evaluator {

  /** A short name used in logs ({@code full-corpus-topk}). */
  String name();

  Evaluation evaluate(EvalContext ctx);

  /** Whether this evaluator applies to the split's protocol (ranking vs pointwise). */
  default boolean appliesTo(org.towerlab.api.data.Split split) {
    return true;
  }
}
