package org.towerlab.api.sampling;

/**
 * The current model's full-corpus ranking, for offline hard-negative mining. The trainer owns the
 * embeddings; {@link #refresh()} recomputes every item vector (outside autograd) and the query
 * vectors lazily.
 */
public interface ItemIndex {

  /** Recomputes the item embeddings from the current weights. */
  void refresh();

  /** How many times {@link #refresh()} ran (0 = never built). */
  int version();

  /**
   * For each query, the item ids ranked {@code [from, to)} (0-based) by the current model, known
   * positives included (the caller filters).
   */
  long[][] ranked(long[] queries, int from, int to);
}
