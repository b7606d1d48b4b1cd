/**
 * IntTower: Xiangyang Li, Bo Chen, Huifeng Guo, Jingjie Li, Chenxu Zhu, Xiang Long, Sujian Li, Yichao
 * Wang, Wei Guo, Longxia Mao, Jinxing Liu, Zhenhua Dong, Ruiming Tang, "IntTower: the Next Generation
 * of Two-Tower Model for Pre-Ranking System", CIKM 2022 (arXiv 2210.09890); official code
 * {@code archersama/IntTower}.
 *
 * <p>What differs from the baseline ({@code mlp} towers, {@code dot}/{@code cosine} interaction):
 * both towers re-weight their field embeddings with {@link org.towerlab.modules.inttower.LightSe}
 * (a softmax over fields, each field scaled by {@code 1 + a_f}); the user tower
 * ({@link org.towerlab.modules.inttower.IntTowerUserTower}) projects EVERY layer into H heads and the
 * item tower ({@link org.towerlab.modules.inttower.IntTowerItemTower}) its last layer into H' heads;
 * {@link org.towerlab.modules.inttower.FeBlockInteraction} scores a pair by the sum over user layers
 * and heads of the best-matching item head (MaxSim), which keeps the item side precomputable; and
 * the user tower adds, as a {@link org.towerlab.api.model.Coupling}, the contrastive interaction
 * regularization (InfoNCE over the in-batch and sampled candidates, cosine at temperature tau) that
 * the official code computes but no longer adds to the loss.
 */
package org.towerlab.modules.inttower;
