package org.towerlab.modules.baseline;

import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.towerlab.api.model.Forward;
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

  /**
   * A training step scores its pairs and then its in-batch columns on the same tower outputs; the
   * normalization is computed once ({@link Forward#derived}) and its gradient must equal that of
   * normalizing separately for each score.
   */
  @Test
  void pairedThenAll_inOneTrainingPass_sameValuesAndGradientsAsSeparatePasses() {
    float[] qa = {0.3f, -1.2f, 2.0f, 0.5f, 1.1f, -0.4f};
    float[] ia = {1.0f, 0.2f, -0.7f, 0.9f, 0.1f, 1.5f};
    float[][] shared = gradients(qa, ia, true);
    float[][] separate = gradients(qa, ia, false);
    assertThatArray(shared[0]).isCloseTo(separate[0], Tolerance.relative(1e-5, 1e-6));
    assertThatArray(shared[1]).isCloseTo(separate[1], Tolerance.relative(1e-5, 1e-6));
    assertThatArray(shared[2]).isCloseTo(separate[2], Tolerance.relative(1e-5, 1e-6));
    assertThat(shared[1]).isNotEqualTo(new float[6]);
  }

  /** The loss value and the gradients of both inputs of {@code sum(paired * w1) + sum(all * w2)}. */
  private float[][] gradients(float[] qa, float[] ia, boolean onePass) {
    try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray qx = Tensors.create(m, qa, new Shape(3, 2));
      NDArray ix = Tensors.create(m, ia, new Shape(3, 2));
      qx.setRequiresGradient(true);
      ix.setRequiresGradient(true);
      TowerOutput q = TowerOutput.of(qx);
      TowerOutput i = TowerOutput.of(ix);
      Interaction inter = newInteraction();
      Forward a = Forwards.training(m, 1);
      Forward b = onePass ? a : Forwards.training(m, 1);
      NDArray w1 = Tensors.create(m, new float[] {0.5f, -1f, 2f}, new Shape(3, 1));
      NDArray w2 = Tensors.create(m, new float[] {1, -2, 0.5f, 3, 1, -1, 0.2f, 0.7f, -0.3f}, new Shape(3, 3));
      NDArray loss = inter.scorePaired(q, i, 1, a).mul(w1).sum().add(inter.scoreAll(q, i, b).mul(w2).sum());
      gc.backward(loss);
      return new float[][] {{loss.getFloat()}, qx.getGradient().toFloatArray(), ix.getGradient().toFloatArray()};
    }
  }
}
