package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Training-time coupling between the towers, implemented by a tower that needs the other side's
 * output: DAT's augmented vectors learn to mimic the other tower's output, HIT's generators mimic
 * the other side's representation. Called by the trainer after both towers encoded the batch's
 * (query, positive item) pairs; contributes terms through {@link Forward#addAuxLoss}.
 *
 * <p>Stop-gradient placement is the implementation's job and must follow the paper exactly
 * ({@code other.embedding().stopGradient()} where the paper blocks the gradient); tests check it
 * through gradients.
 */
public interface Coupling {

  /**
   * @param self this tower's output for the batch rows
   * @param other the other tower's output for the same rows (row i of both belong to one pair)
   * @param labels the pair labels by name, float32 {@code [B]} (1 for positives of implicit data)
   * @param fwd the forward pass
   */
  void couple(TowerOutput self, TowerOutput other, Map<String, NDArray> labels, Forward fwd);
}
