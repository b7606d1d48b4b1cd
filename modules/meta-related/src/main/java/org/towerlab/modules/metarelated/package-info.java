/**
 * Meta's related-video retrieval: Jaspal, Zhang, Chang, Kumar, Wang, Mittleman, Wang, Mao,
 * "Balancing Semantic Relevance and Engagement in Related Video Recommendations", arXiv 2507.09403
 * (2025). No code was published and only the abstract could be read: it confirms a two-tower
 * retrieval model for related videos (seed video to candidate) with multi-task learning over
 * co-engagement and semantic relevance, fusion of multimodal content features, and off-policy
 * correction by inverse propensity weighting against popularity bias. Every formula here is a
 * proposed recipe ({@code docs/methods/meta-related.md}).
 *
 * <p>What differs from the baseline (users query items, one engagement objective): the queries are
 * items ({@link org.towerlab.modules.metarelated.CoEngagement}, pairs of items co-engaged by a user
 * within a window, split in time by
 * {@link org.towerlab.modules.metarelated.RelatedTemporal}); a semantic relevance label from item
 * content sits beside engagement ({@link org.towerlab.modules.metarelated.ContentRelevance}); the
 * training target is relabelled to engaged AND relevant, or a relevance head is trained beside the
 * engagement head ({@link org.towerlab.modules.metarelated.TaskHeadsTower},
 * {@link org.towerlab.modules.metarelated.TaskHeadsInteraction},
 * {@link org.towerlab.modules.metarelated.MultiTaskLoss}); rows are weighted by inverse popularity
 * ({@link org.towerlab.modules.metarelated.PopularityIpwLoss}); dense content vectors are read from
 * files ({@link org.towerlab.modules.metarelated.VectorFileConfig}); and the evaluation reports the
 * relevance of the top-K beside engagement ({@link org.towerlab.modules.metarelated.SemanticEvaluator}).
 */
package org.towerlab.modules.metarelated;
