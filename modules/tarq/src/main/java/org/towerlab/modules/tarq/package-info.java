/**
 * TARQ: Li, Zhu, Qiao, Guan, Shao, Liu, Zheng (Taobao &amp; Tmall Group, Alibaba), "Equip
 * Pre-ranking with Target Attention by Residual Quantization", SIGIR 2026 (arXiv 2509.16931). Its
 * residual quantization follows Lee et al., "Autoregressive Image Generation using Residual
 * Quantization", CVPR 2022 (RQ-VAE).
 *
 * <p>What differs from the baseline two-tower: the item tower residual-quantizes its item query into
 * L codes ({@code TowerOutput.codes}); the user tower runs target attention over the user's
 * behaviour sequence with every codeword as the query, giving a personalized codebook
 * ({@code heads}, {@code [N, L*K, d]}), once per request; a candidate's score reads that codebook at
 * the item's codes and sums over levels, so the score approximates target attention at two-tower
 * cost. A target-attention teacher, trained jointly through the user tower's coupling, is
 * distilled into the student by a reconstruction loss and a codebook alignment loss on its
 * stop-gradiented output. The module also provides that teacher as a model of its own
 * ({@code target-attention}) for the {@code distill} strategy. See {@code docs/methods/tarq.md}.
 */
package org.towerlab.modules.tarq;
