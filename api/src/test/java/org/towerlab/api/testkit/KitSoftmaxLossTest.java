package org.towerlab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.nn.Tensors;

class KitSoftmaxLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new KitSoftmaxLoss();
  }

  @Test
  void compute_oneRow_handValue() {
    try (NDManager m = NDManager.newBaseManager()) {
      LossInput in = LossInput.builder(Tensors.create(m, new float[] {2f}))
          .negatives(Tensors.create(m, new float[] {1f, 7f, -1f}, new Shape(1, 3)),
              Tensors.create(m, new float[] {1f, 0f, 1f}, new Shape(1, 3)))
          .labels(Map.of()).build();
      // -log(e^2 / (e^2 + e^1 + e^-1)) = 0.34901
      assertThat(newLoss().compute(in, Forwards.inference(m)).getFloat()).isCloseTo(0.34901f, within(1e-4f));
    }
  }
}
