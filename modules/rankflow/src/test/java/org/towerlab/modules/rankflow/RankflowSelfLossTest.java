package org.towerlab.modules.rankflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.LossContract;

class RankflowSelfLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new RankflowSelfLoss();
  }

  private static double bce(double s, double y) {
    return Math.log1p(Math.exp(s)) - s * y;
  }

  @Test
  void compute_twoLists_maskedMeanOfBceAgainstEngagedSlots() {
    try (NDManager m = NDManager.newBaseManager()) {
      // list 0: an engaged slot (label 2, a like) and an unexposed one; list 1: one unexposed slot and padding
      LossInput in = new LossInput.Builder().list(
          Tensors.create(m, new float[] {0f, 2f, 1f, 5f}, new Shape(2, 2)),
          Tensors.create(m, new float[] {2f, 0f, 0f, 0f}, new Shape(2, 2)),
          Tensors.create(m, new float[] {1f, 1f, 1f, 0f}, new Shape(2, 2))).build();

      float loss = new RankflowSelfLoss().compute(in, Forwards.training(m, 1)).getFloat();

      double expected = ((bce(0, 1) + bce(2, 0)) / 2 + bce(1, 0)) / 2;
      assertThat((double) loss).isCloseTo(expected, within(1e-6));
    }
  }
}
