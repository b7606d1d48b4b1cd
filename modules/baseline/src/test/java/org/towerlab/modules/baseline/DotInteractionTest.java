package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
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

class DotInteractionTest extends InteractionContract {
  @Override
  protected Interaction newInteraction() {
    return new DotInteraction();
  }

  @Test
  void scoreAll_handValues_innerProducts() {
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput q = TowerOutput.of(Tensors.create(m, new float[] {1, 2}, new Shape(1, 2)));
      TowerOutput i = TowerOutput.of(Tensors.create(m, new float[] {3, 4, -1, 0.5f}, new Shape(2, 2)));
      assertThatArray(new DotInteraction().scoreAll(q, i, Forwards.inference(m))).hasShape(1, 2)
          .isCloseTo(new float[] {11f, 0f}, Tolerance.defaults());
      assertThat(new DotInteraction().flopsPerPair(8)).isEqualTo(16);
    }
  }
}
