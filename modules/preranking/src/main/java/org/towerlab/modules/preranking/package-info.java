/**
 * Pre-ranker architectures beyond the dual tower, on the cost/quality axis between the two-tower
 * pre-ranker (item side precomputable, one dot product per pair) and the full-interaction ranker.
 *
 * <ul>
 *   <li><b>COLD</b>: Zhe Wang, Liqin Zhao, Biye Jiang, Guorui Zhou, Xiaoqiang Zhu, Kun Gai, "COLD:
 *       Towards the Next Generation of Pre-Ranking System", DLP-KDD workshop at KDD 2020 (Alibaba).
 *       A DNN over the concatenated field embeddings of both sides (no towers to factor the score),
 *       with Squeeze-and-Excitation gating of the fields and pairwise field inner products as
 *       cross features, as in RankFlow's COLD baseline (Qin et al., SIGIR 2022). Components: the
 *       {@code fields} tower (field embeddings, no MLP) and the {@code cold} interaction. Its item
 *       side is not precomputable: every candidate runs the network.
 *   <li><b>Three-tower</b>: the two-tower score plus a third, small tower over per-(query, item)
 *       cross features ({@link org.towerlab.api.data.FieldKind#PAIR}: the query's engagement
 *       counts per value of an item key, counted from training positives before the example time).
 *       The pair value is a gather of the query's count row by the item's key, so the item side
 *       stays precomputable and the extra cost per pair is the small tower. Component: the
 *       {@code three-tower} model around any two-tower towers and interaction.
 * </ul>
 *
 * <p>The two directions are in one module because they share the question they answer (how much
 * quality a pre-ranker buys with how much cost per candidate) and the pair-broadcasting helpers;
 * they are separate components and pages ({@code docs/methods/cold.md},
 * {@code docs/methods/three-tower.md}).
 */
package org.towerlab.modules.preranking;
