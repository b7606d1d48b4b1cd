package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;
import org.towerlab.api.testkit.LossContract;

/** BCE in both of its modes: logged labels, and positives with sampled negatives. */
class BceLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new BceLoss(new BceLossConfig(null, null));
  }

  @Test
  void bce_withoutNegatives_isPointwiseCrossEntropy() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BceLoss loss = new BceLoss(new BceLossConfig("click", null));
      LossInput in = LossInput.builder(manager.create(new float[] {0f, 2f}))
          .labels(Map.of("click", manager.create(new float[] {1f, 0f}))).build();
      // (log 2 + log(1 + e^2)) / 2 = (0.69315 + 2.12693) / 2
      assertThat(loss.compute(in, Forward.inference(manager)).getFloat()).isCloseTo(1.41004f, within(1e-4f));
    }
  }

  @Test
  void bce_sumReduction_addsRowsInsteadOfAveragingThem() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BceLoss loss = new BceLoss(new BceLossConfig("click", "sum"));
      NDArray scores = manager.create(new float[] {0f, 2f});
      Map<String, NDArray> labels = Map.of("click", manager.create(new float[] {1f, 0f}));
      // log 2 + log(1 + e^2) = 0.69315 + 2.12693
      assertThat(loss.compute(LossInput.builder(scores).labels(labels).build(), Forward.inference(manager)).getFloat())
          .isCloseTo(2.82008f, within(1e-4f));
      // weighted: 2 * log 2 + 0.5 * log(1 + e^2)
      LossInput weighted = LossInput.builder(scores).labels(labels).weights(manager.create(new float[] {2f, 0.5f}))
          .build();
      assertThat(loss.compute(weighted, Forward.inference(manager)).getFloat()).isCloseTo(2.44976f, within(1e-4f));
    }
  }

  @Test
  void bceConfig_unknownReduction_throwsNamingTheValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BceLossConfig(null, "avg"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'avg'");
  }
}
