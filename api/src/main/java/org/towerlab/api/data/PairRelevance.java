package org.towerlab.api.data;

/**
 * The semantic relevance of an item to a query, computed from content rather than from engagement:
 * the "topic match" of a candidate video to its seed video in Meta's related-video retrieval
 * (Jaspal et al., "Balancing Semantic Relevance and Engagement in Related Video Recommendations",
 * arXiv 2507.09403, 2025). A data source whose queries are items ({@link QueryKind#ITEM}) can
 * attach one to its {@link Dataset} ({@link Dataset#relevance()}), so that protocols (relabelling),
 * losses (a relevance head) and evaluators (the relevant share of a top-K) use the same rule.
 *
 * <p>Implementations are pure functions of the data set's content (never of the interaction
 * log's engagement), so they may be read for any pair, in any split part, without leaking labels.
 */
public interface PairRelevance {

  /** Relevance of {@code item} to {@code query}, in {@code [0, 1]}. */
  double relevance(int query, int item);

  /** The cut at or above which a pair counts as relevant (a topic match). */
  double threshold();

  /** Whether {@code relevance(query, item) >= threshold()}. */
  default boolean relevant(int query, int item) {
    return relevance(query, item) >= threshold();
  }

  /** A one-line description of the rule, recorded in reports ({@code 0.6 jaccard(genres) + ...}). */
  String describe();
}
