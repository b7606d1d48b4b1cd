package org.towerlab.modules.baseline;

import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.api.testkit.Tolerance;

class CosineInteractionTest extends InteractionContract {
  @Override
  protected Interaction newInteraction() {
    return new CosineInteraction(new CosineInteractionConfig(0.1));
  }

  @Test
  void scoreAll_handValues_cosineOverTemperature() {
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput q = TowerOutput.of(Tensors.create(m, new float[] {3, 4}, new Shape(1, 2)));
      TowerOutput i = TowerOutput.of(Tensors.create(m, new float[] {6, 8, 0, -2}, new Shape(2, 2)));
      // cos = 1 and -0.8, divided by 0.1; the zero-safe norm changes them by < 1e-6
      assertThatArray(newInteraction().scoreAll(q, i, Forwards.inference(m))).hasShape(1, 2)
          .isCloseTo(new float[] {10f, -8f}, Tolerance.relative(1e-5, 1e-5));
    }
  }
}
