/**
 * HIT: Yang et al., "HIT: Hierarchical Interaction-Enhanced Two-Tower Model for Pre-Ranking
 * Systems", CIKM 2025 (arXiv 2505.19849); official code {@code HarveyYang123/HIT_model}.
 *
 * <p>What differs from the baseline ({@code mlp} towers, {@code cosine}/{@code dot} interaction):
 * each {@link org.towerlab.modules.hit.HitTower} runs two small generators on its side's static
 * field embeddings (input detached) that guess the OTHER side's representation, the target
 * generator for clicked pairs and the non-target generator for unclicked ones (in-batch negatives
 * when the log has only positives); their outputs, detached, join the tower's input, and the tower
 * ends in a multi-head representer {@code [N, H, d]}. The generators learn only from an auxiliary
 * generation loss {@code y (1 - cos)} / {@code (1 - y)(1 - cos)} against the detached other-side
 * representation, added through {@link org.towerlab.api.model.Coupling}; the main loss never reaches
 * them. {@link org.towerlab.modules.hit.MaxSimInteraction} scores the heads by MaxSim. Both sides
 * stay independent at serving time, so the item side is precomputable as in the baseline.
 */
package org.towerlab.modules.hit;
