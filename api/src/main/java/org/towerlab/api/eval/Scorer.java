package org.towerlab.api.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Scores queries against the item corpus for evaluation, one block at a time so that memory is
 * bounded by the block size, not by queries x items.
 */
public interface Scorer extends AutoCloseable {

  int numItems();

  /**
   * Scores of {@code queries} against items {@code [itemFrom, itemTo)}.
   *
   * @return float32 {@code [queries.length, itemTo - itemFrom]} on {@code manager}
   */
  NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager);

  /** Scores of the pairs {@code (queries[i], items[i])} (pointwise protocols: AUC, LogLoss). */
  float[] scorePairs(long[] queries, long[] items, NDManager manager);

  /** Floating-point operations per scored pair, for cost reports (0 when not meaningful). */
  default long flopsPerPair() {
    return 0;
  }

  /** Whether the item side is scored from vectors computed once per item, without the query. */
  default boolean itemSidePrecomputable() {
    return true;
  }

  /**
   * This scorer with the items in {@code seen} removed before any internal truncation: a cascade
   * scorer keeps a query's seen items out of its upstream stages' top-M, as a serving system
   * would. Scorers that rank the whole corpus in one stage return themselves.
   */
  default Scorer excluding(org.towerlab.api.data.InteractionLog seen) {
    return this;
  }

  /**
   * This scorer ranking by one named task of a multi-task model
   * ({@link org.towerlab.api.model.MultiTask}); throws a user error naming the known tasks when the
   * model has no such task.
   */
  default Scorer task(String name) {
    throw new org.towerlab.api.UserException("An evaluator asks for task '" + name + "', but this model scores one"
        + " objective only. Remove task: from the evaluator, or use a multi-task model (mvke, gnolr, ...).");
  }

  @Override
  default void close() {}
}
