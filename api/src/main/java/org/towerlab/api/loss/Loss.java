package org.towerlab.api.loss;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.model.Forward;

/**
 * A training objective over a batch's scores. Losses with learned parts (uncertainty weights of a
 * multi-term loss) also implement {@link org.towerlab.api.model.Parameterized}; their parameters
 * live under the {@code loss} scope.
 *
 * <p>What a loss receives is decided by {@link #rows()}: with {@link TrainingRows#POSITIVES} every
 * {@link LossInput#scores()} entry is a positive pair and {@link LossInput#negatives()} holds the
 * sampled candidates; with {@link TrainingRows#LOGGED} the scores are logged pairs with labels 0
 * or 1 (and graded labels); with {@link TrainingRows#LISTS} the list fields are filled. Scores are
 * what the interaction returns (a cosine interaction returns cosine divided by its temperature).
 * A softmax-style loss over sampled candidates must subtract {@link LossInput#scoreLogQ()} and
 * {@link LossInput#negativeLogQ()} when they are present (the sampling-bias correction).
 */
public interface Loss {

  /**
   * @return the scalar loss on {@code fwd.manager()}
   */
  NDArray compute(LossInput input, Forward fwd);

  /** Whether the loss cannot work without sampled negatives (softmax, BPR, hinge). */
  default boolean needsNegatives() {
    return true;
  }

  /**
   * Whether the loss reads teacher scores ({@link LossInput#teacher()} or
   * {@link LossInput#listTeacher()}); only a strategy with a teacher (distill, a cascade stage with
   * {@code teacher:}) can train it, and the plain strategy refuses it.
   */
  default boolean needsTeacher() {
    return false;
  }

  /**
   * The row modes this loss accepts, the preferred first. The default: {@code [POSITIVES]} for a
   * loss that needs negatives, else {@code [LOGGED, POSITIVES]} (logged labels when the split has
   * them, else positives against sampled negatives).
   */
  default List<TrainingRows> rows() {
    return needsNegatives() ? List.of(TrainingRows.POSITIVES) : List.of(TrainingRows.LOGGED, TrainingRows.POSITIVES);
  }
}
