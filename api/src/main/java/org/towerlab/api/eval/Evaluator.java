package org.towerlab.api.eval;

/**
 * Computes metrics of a model on one split part. Returns aggregate values and per-query values
 * (for paired tests across runs). Results must not depend on block or batch sizes.
 */
public interface Evaluator {

  /** A short name used in logs ({@code full-corpus-topk}). */
  String name();

  Evaluation evaluate(EvalContext ctx);

  /**
   * The named scorer this evaluator is pinned to ({@code scorer: ranker} in its config), or
   * {@code null} for the system under test. A pinned evaluator runs only where that scorer exists
   * (not in a single stage's validation).
   */
  default String scorerName() {
    return null;
  }

  /** Whether this evaluator applies to the split (for example: it needs logged negatives or ground truth). */
  default boolean appliesTo(org.towerlab.api.data.Split split) {
    return true;
  }
}
