package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.testkit.LossContract;

class BprLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new BprLoss();
  }

  @Test
  void bpr_handCheckedValueAndMask() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray pos = manager.create(new float[] {1f});
      NDArray neg = manager.create(new float[] {0f, 100f}, new Shape(1, 2));
      NDArray mask = manager.create(new float[] {1f, 0f}, new Shape(1, 2));
      LossInput in = LossInput.builder(pos).negatives(neg, mask).labels(Map.of()).build();
      // -log sigmoid(1 - 0) = log(1 + e^-1) = 0.31326
      assertThat(new BprLoss().compute(in, Forward.inference(manager)).getFloat()).isCloseTo(0.31326f, within(1e-5f));
    }
  }

  @Test
  void weightedMean_usesPerExampleWeights() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray pos = manager.create(new float[] {1f, -1f});
      NDArray neg = manager.create(new float[] {0f, 0f}, new Shape(2, 1));
      NDArray w = manager.create(new float[] {1f, 0f});
      LossInput in = LossInput.builder(pos).negatives(neg, manager.ones(new Shape(2, 1))).labels(Map.of()).weights(w)
          .build();
      assertThat(new BprLoss().compute(in, Forward.inference(manager)).getFloat()).isCloseTo(0.31326f, within(1e-5f));
    }
  }
}
