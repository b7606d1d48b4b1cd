package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.testkit.LossContract;

/** BCE in both of its modes: logged labels, and positives with sampled negatives. */
class BceLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new BceLoss(new BceLossConfig(null));
  }

  @Test
  void bce_withoutNegatives_isPointwiseCrossEntropy() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BceLoss loss = new BceLoss(new BceLossConfig("click"));
      LossInput in = LossInput.builder(manager.create(new float[] {0f, 2f}))
          .labels(Map.of("click", manager.create(new float[] {1f, 0f}))).build();
      // (log 2 + log(1 + e^2)) / 2 = (0.69315 + 2.12693) / 2
      assertThat(loss.compute(in, Forward.inference(manager)).getFloat()).isCloseTo(1.41004f, within(1e-4f));
    }
  }
}
