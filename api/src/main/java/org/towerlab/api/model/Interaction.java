package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;

/**
 * Scores queries against items from their tower outputs.
 *
 * <p>Decomposable interactions (dot, cosine, MaxSim) let the item side be computed once and cached:
 * {@link #itemSidePrecomputable()} is true. A non-decomposable pre-ranker (COLD-style DNN,
 * three-tower) returns false, and reports its cost per scored pair so that comparisons can state
 * it. Interactions may have weights ({@link Parameterized}).
 */
public interface Interaction {

  /**
   * All pairs: {@code B} queries against {@code M} items.
   *
   * @return scores {@code [B, M]} on {@code fwd.manager()}
   */
  NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd);

  /**
   * Row-wise: query {@code b} against its own {@code K} items, which are rows
   * {@code [b*K, (b+1)*K)} of {@code items}.
   *
   * @return scores {@code [B, K]}
   */
  NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd);

  /** Whether item outputs can be computed once, without the query (the pre-ranking constraint). */
  boolean itemSidePrecomputable();

  /** Floating-point operations to score one (query, item) pair from cached tower outputs of width d. */
  long flopsPerPair(long dim);

  /**
   * Floating-point operations per pair given the actual outputs (heads, layers): override when the
   * cost depends on more than the width (MaxSim's H x H products, per-layer scores, attention).
   */
  default long flopsPerPair(TowerOutput queries, TowerOutput items) {
    return flopsPerPair(items.dim());
  }
}
