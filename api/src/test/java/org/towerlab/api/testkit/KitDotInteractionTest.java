package org.towerlab.api.testkit;

import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

class KitDotInteractionTest extends InteractionContract {
  @Override
  protected Interaction newInteraction() {
    return new KitDotInteraction(0.5);
  }

  @Test
  void scoreAll_handValues_dotOverTemperature() {
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput q = TowerOutput.of(Tensors.create(m, new float[] {1, 2}, new Shape(1, 2)));
      TowerOutput i = TowerOutput.of(Tensors.create(m, new float[] {3, 4, -1, 0}, new Shape(2, 2)));
      // (1*3 + 2*4) / 0.5 = 22, (-1) / 0.5 = -2
      assertThatArray(newInteraction().scoreAll(q, i, Forwards.inference(m))).hasShape(1, 2)
          .isCloseTo(new float[] {22f, -2f}, Tolerance.defaults());
    }
  }
}
