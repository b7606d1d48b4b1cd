/**
 * LongRetriever: Ren, Chai, Xiao, Zheng, Wu, "LongRetriever: Towards Ultra-Long Sequence based
 * Candidate Retrieval for Recommendation", arXiv 2508.15486, 2025. No official code.
 *
 * <p>What differs from the baseline (one user vector from the recent behaviours, any category):
 * item categories are interest domains. In training, the user tower reads the sub-sequence of the
 * user's long history restricted to the <em>target item's category</em>, the most recent L
 * behaviours before the example (in-context training: one context per example, shared parameters,
 * the towers stay decomposable). At serving the user is several vectors, one per selected category
 * (the same search over the history), and the retrievals of the contexts are merged with quotas
 * (multi-context retrieval).
 *
 * <ul>
 *   <li>the sub-sequences come from the data: a by-category query-side sequence field
 *       ({@link org.towerlab.api.data.FieldSpec.ByCategory}, built by the trainer's
 *       {@code FeatureBatches});
 *   <li>{@link org.towerlab.modules.longretriever.LongRetrieverTower} ({@code longretriever}) encodes
 *       each context into one head, {@code heads [N, K, D]};
 *   <li>{@link org.towerlab.modules.longretriever.MultiContextInteraction} ({@code multi-context})
 *       scores the context vector by cosine in training and ranks the corpus by the quota merge at
 *       evaluation ({@link org.towerlab.api.model.CorpusRanker},
 *       {@link org.towerlab.modules.longretriever.MultiContextMerge}).
 * </ul>
 *
 * Only the abstract and a secondary review were available: the category selection, the quotas,
 * the per-category restriction of the searches and the merge order are our proposals, documented
 * in {@code docs/methods/longretriever.md}.
 */
package org.towerlab.modules.longretriever;
