/**
 * DAT: Yantao Yu, Weipeng Wang, Zhoutian Feng, Daiyue Xue, "A Dual Augmented Two-tower Model for
 * Online Large-scale Recommendation", DLP-KDD workshop at KDD 2021 (Meituan).
 *
 * <p>What differs from the baseline {@code mlp} tower: each side looks up a trainable augmented
 * vector by the entity's id ({@code a_u = A_u[user]}, {@code a_v = A_v[item]}) and concatenates it
 * to the field embeddings before the MLP, and the output is L2-normalized. During training the
 * {@code dat} tower, as a {@link org.towerlab.api.model.Coupling}, adds the Adaptive-Mimic loss
 * {@code lambda/T * sum y ||a - sg(p_other)||^2}, which makes the augmented vector of a positive
 * pair mimic the other tower's (frozen) output, so information about the other side enters the
 * tower as an input; on the item side it can add the Category Alignment Loss, the Frobenius
 * distance between the covariance of each in-batch category's item vectors and that of the
 * largest category. Interaction, sampler and main loss stay the baseline's.
 */
package org.towerlab.modules.dat;
