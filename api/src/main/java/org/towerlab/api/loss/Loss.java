package org.towerlab.api.loss;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;

/**
 * A training objective over a batch's scores. Losses with learned parts (uncertainty weights of a
 * multi-term loss) also implement {@link org.towerlab.api.model.Parameterized}; combined losses
 * log their terms through {@link Forward#addAuxLoss} with weight zero or as separate terms.
 */
public interface Loss {

  /**
   * @return the scalar loss on {@code fwd.manager()}
   */
  NDArray compute(LossInput input, Forward fwd);

  /** Whether the loss needs negatives (softmax, BPR, hinge) or works on logged labels alone (BCE). */
  default boolean needsNegatives() {
    return true;
  }
}
