package org.towerlab.trainers;

/**
 * Where a list-wise training step ({@code rows: lists}) gets its candidate lists: one list per
 * unit (a request, a positive row, a query). {@link TrainStep} iterates the units, asks for each
 * unit's list and scores every slot.
 */
public interface ListSource {

  /** Number of lists (the units one epoch iterates). */
  int size();

  /**
   * The lists of {@code units}, in order.
   *
   * @param rng this step's sampler generator (sampled lists draw from it; others ignore it)
   */
  java.util.List<CandidateList> lists(int[] units, int epoch, long step, java.util.SplittableRandom rng);

  /** The fixed list length L (shorter lists are padded and masked). */
  int length();

  /**
   * Called before each epoch (a stage's top-M lists are recomputed from the upstream model's
   * current weights).
   */
  default void beforeEpoch(int epoch) {}

  /**
   * One candidate list.
   *
   * @param query the query id
   * @param time the example time (sequence features are built strictly before it)
   * @param items the list's item ids (length at most {@link #length()})
   * @param labels the graded label of each item (0 = not engaged or never shown)
   * @param weight the unit's weight (inverse propensity), 1 when unweighted
   */
  record CandidateList(long query, long time, long[] items, float[] labels, float weight) {}
}
