package org.towerlab.api.model;

/**
 * An {@link Interaction} whose serving ranking is not an order by one score per (query, item) pair:
 * where an item lands depends on the other items, as in a merge of several retrievals with quotas
 * (LongRetriever's multi-context retrieval: one retrieval per selected category, merged; Ren et
 * al., arXiv 2508.15486, 2025). Training still uses {@link Interaction#scoreAll} and
 * {@link Interaction#scorePaired}; evaluation ranks through {@link #rankCorpus}.
 *
 * <p>The trainer's full-corpus scorer ({@code TowerScorer}) calls it once per query block with the
 * whole corpus and serves the block's item ranges from that ranking as rank-based scores
 * {@code N - rank} (rank 0 = best), so any top-K evaluator reads this order whatever its item
 * block; pair scores for pointwise evaluators are the same rank-based scores. The scorer's
 * {@code excluding(seen)} passes each query's seen items, which must not take a place in any
 * internal truncation (a quota), as a serving system would filter them before merging.
 */
public interface CorpusRanker {

  /**
   * @param queries the outputs of Q queries (on the batch manager)
   * @param items the outputs of the whole corpus: row {@code j} is item {@code j}
   * @param exclude per query, the sorted item ids to keep out of every quota and to rank last, or
   *     {@code null} for none (an entry may be {@code null} too)
   * @param fwd an inference pass; temporaries go on {@code fwd.manager()}
   * @return per query, every item id {@code 0..N-1} exactly once, best first ({@code [Q][N]})
   */
  int[][] rankCorpus(TowerOutput queries, TowerOutput items, int[][] exclude, Forward fwd);
}
