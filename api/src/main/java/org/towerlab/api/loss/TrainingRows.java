package org.towerlab.api.loss;

/**
 * Which rows one training step is built from. A loss states the modes it accepts
 * ({@link Loss#rows()}); the trainer picks the first one the split can feed, or the one set in
 * {@code trainer.rows}, and {@code validate} refuses a mode the loss does not accept (for example
 * a softmax loss over logged rows would make the 0-labelled rows positives).
 */
public enum TrainingRows {
  /**
   * The split's positive rows: every row is a (query, positive item) pair and the sampler's
   * candidates are its negatives. Softmax, BPR, hinge.
   */
  POSITIVES,
  /**
   * The split's logged rows (engaged and shown-not-engaged) with their logged labels, plus any
   * sampled negatives labelled 0. Pointwise losses (BCE, ordinal, multi-task heads). Needs a split
   * with logged rows.
   */
  LOGGED,
  /**
   * Candidate lists, one per training query or request: from the log's requests, from a sampler
   * ({@code [positive | K sampled]}) or from a previous cascade stage's top-M. The trainer fills
   * {@link LossInput#listScores()}, {@link LossInput#listLabels()} and {@link LossInput#listMask()}.
   * List-wise losses (ARF, RankFlow).
   */
  LISTS;

  /** The lower-case name used in configs ({@code trainer.rows: logged}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
