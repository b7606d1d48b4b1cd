/**
 * MVKE: Xu et al., "Mixture of Virtual-Kernel Experts for Multi-Objective User Profile Modeling",
 * KDD 2022 (arXiv 2106.07356); author code {@code motefly/MVKE} ({@code core/mvke_ops.py},
 * {@code model_graph_type.py}).
 *
 * <p>What differs from the baseline (one user vector, one item vector, one score): the user side
 * ({@link org.towerlab.modules.mvke.MvkeUserTower}) makes K expert vectors, each from its own
 * re-weighting of the user's fields by a learned virtual kernel (attention over fields, residual,
 * LayerNorm, a tower per kernel); the tag side ({@link org.towerlab.modules.mvke.MvkeTagTower})
 * makes one tag vector per task and gates the task's subset of kernels by the tag vector's
 * similarity to each kernel; the score of a task is the tag vector dotted with the gated mixture
 * of experts ({@link org.towerlab.modules.mvke.MvkeInteraction}, a {@code MultiTask} interaction).
 * The kernels are one parameter shared by both towers ({@link org.towerlab.modules.mvke.MvkeModel});
 * several tasks (click and like) are trained together by {@link org.towerlab.modules.mvke.MvkeLoss}.
 * The gate depends only on the tag, so the item side stays precomputable.
 */
package org.towerlab.modules.mvke;
