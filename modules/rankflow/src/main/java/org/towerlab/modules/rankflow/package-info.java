/**
 * RankFlow: Jiarui Qin, Jiachen Zhu, Bo Chen, Zhirong Liu, Weiwen Liu, Ruiming Tang, Rui Zhang,
 * Yong Yu, Weinan Zhang, "RankFlow: Joint Optimization of Multi-Stage Cascade Ranking Systems as
 * Flows", SIGIR 2022, pp. 814-824 (official code: qinjr/RankFlow).
 *
 * <p>What differs from training each stage of a cascade on its own: every stage learns on the
 * distribution the stages before it produce, with guidance from the logs and from the stage after
 * it. After a warm-up on the logged impressions (the exposure space), rounds alternate
 * <em>self-learning</em> (each stage, on the previous stage's current top-M per request, graded by
 * the logged labels: shown candidates keep their label, the others are 0: {@code rankflow-self})
 * and <em>tutor-learning</em> (each stage but the last, on the same lists, taught by the next
 * stage's scores under no-grad: a top-k rank loss plus MSE, {@code rankflow-tutor}). The schedule
 * is the {@code rankflow} strategy: a compact config that expands into the phases of the
 * {@code cascade} strategy, which does the training.
 */
package org.towerlab.modules.rankflow;
