/**
 * ARF: Wang, Wang, Yang, Wen, Kong, Li, Gai (Kuaishou / Beihang), "Adaptive Neural Ranking
 * Framework: Toward Maximized Business Goal for Cascade Ranking Systems", arXiv 2310.10462 (v2,
 * 2024, with an ACM 2024 header consistent with WWW '24). There is no official code; the
 * reference read is the same group's re-implementation in {@code kwai/LCRON}.
 *
 * <p>What differs from the baseline: a cascade stage (typically the pre-ranker) is not trained to
 * score each pair right (BCE, softmax) but for the goal of its position in the cascade, Recall@m@k:
 * the share of the label's best k candidates of a request that the stage keeps in the top m it
 * passes on. The losses read whole candidate lists ({@code trainer.rows: lists}), turn the list's
 * scores into a relaxed permutation matrix with NeuralSort ({@link org.towerlab.modules.arf.NeuralSort}),
 * and train the relaxed Recall@m@k ({@code L_Relax}) plus a full-order permutation cross-entropy
 * ({@code L_Global}) whose weight is learned by uncertainty weighting
 * ({@link org.towerlab.modules.arf.ArfLoss}). Towers, interaction and list sources stay the
 * baseline's. See {@code docs/methods/arf.md}.
 */
package org.towerlab.modules.arf;
