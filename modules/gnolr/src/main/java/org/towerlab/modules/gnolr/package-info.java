/**
 * GNOLR: Zhang, Liang, Fu, Zhu, Wang, Ni, Zeng, Xia, "Embed Progressive Implicit Preference in
 * Unified Space for Deep Collaborative Filtering", KDD 2025 (arXiv 2505.20900); official code
 * {@code FuCongResearchSquad/GNOLR}.
 *
 * <p>What differs from the baseline (one vector per side, one binary or softmax objective): the
 * feedback types of a log are ordered by depth of engagement (click &lt; like &lt; share; on
 * MovieLens rating &ge; 3 &lt; &ge; 4 &lt; 5) and each row's ordinal class is the deepest level it
 * reached. Each tower ({@link org.towerlab.modules.gnolr.GnolrTower}) has one L2-normalized head
 * per level, {@code u_k, v_k}, and the level cosines {@code c_k = <u_k, v_k>} build nested
 * cumulative logits {@code z_k = sum_{i<=k} S_i c_i}; {@code P(y >= k) = sigmoid(z_k - a_k)} with
 * thresholds {@code a_k = -ln m_k} from the training positive rates. The
 * {@link org.towerlab.modules.gnolr.GnolrLoss nested ordinal logistic loss} trains every level on
 * the logged rows (shown, not engaged rows are class 0). Because {@code z_k} is a dot product of
 * the first k heads, the concatenation of the heads is one unified retrieval space: one item index
 * serves every level, the query side picking the level by its prefix
 * ({@link org.towerlab.modules.gnolr.GnolrInteraction}, a multi-task interaction whose tasks are the
 * levels).
 */
package org.towerlab.modules.gnolr;
