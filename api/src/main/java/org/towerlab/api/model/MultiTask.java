package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * An interaction that scores several named objectives from the same tower outputs: MVKE's per-task
 * gates over its virtual-kernel experts, GNOLR's nested levels (click, like, share) of one unified
 * space, a multi-task head for engagement and relevance. The interaction's plain
 * {@link Interaction#scoreAll} is its primary score (what training losses and the default
 * evaluation use); an evaluator with {@code task: NAME} ranks by {@link #scoreAll(String,
 * TowerOutput, TowerOutput, Forward)} instead, so one run reports {@code test/like/recall@20}
 * beside {@code test/click/recall@20}.
 */
public interface MultiTask {

  /** The task names, in a stable order. */
  List<String> tasks();

  /** {@code [B, M]} scores of one task; shapes as {@link Interaction#scoreAll}. */
  NDArray scoreAll(String task, TowerOutput queries, TowerOutput items, Forward fwd);

  /** {@code [B, K]} scores of one task; shapes as {@link Interaction#scorePaired}. */
  NDArray scorePaired(String task, TowerOutput queries, TowerOutput items, int k, Forward fwd);
}
