package org.towerlab.api.eval;

import java.util.Set;
import org.towerlab.api.data.Split;

/**
 * Computes metrics of a model on one split part. Returns aggregate values and per-query values
 * (for paired tests across runs). Results must not depend on block or batch sizes.
 */
public interface Evaluator {

  /** A short name used in logs ({@code full-corpus-topk}). */
  String name();

  Evaluation evaluate(EvalContext ctx);

  /**
   * Whether this evaluator applies to the split's protocol (ranking vs pointwise). An evaluator that
   * does not apply is skipped without a word; one that cannot work on a split it was configured for
   * says so through {@link #incompatibility(Split)}.
   */
  default boolean appliesTo(Split split) {
    return true;
  }

  /**
   * Why this evaluator, as configured, cannot evaluate {@code split} (a label the split does not
   * have, ground truth the data set does not know), or {@code null} when it can. The runner asks
   * every evaluator once the data is split, before anything is trained or written, and refuses the
   * run with these reasons.
   *
   * @return {@code null}, or one sentence that names the evaluator's config path, the problem and
   *     what to change
   */
  default String incompatibility(Split split) {
    return null;
  }

  /**
   * The named scorers this evaluator reads through {@link EvalContext#scorer(String)} (its
   * {@code scorer:}, {@code reference:} or {@code candidates:} options); empty when it evaluates
   * only the scorer under test. A caller that has no named scorers to offer (per-epoch validation
   * of a single model) skips the evaluators that need some.
   */
  default Set<String> scorerNames() {
    return Set.of();
  }
}
