package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.nn.Params;

class WeightedSumLossTest {

  private static LossInput input(NDManager m) {
    return LossInput.builder(m.create(new float[] {1f})).negatives(m.create(new float[] {0f}, new Shape(1, 1)), m.ones(new Shape(1, 1))).labels(Map.of("positive", m.ones(new Shape(1)))).build();
  }

  @Test
  void compute_fixedWeights_equalsWeightedSumOfTerms() {
    try (NDManager m = NDManager.newBaseManager()) {
      BprLoss bpr = new BprLoss();
      BceLoss bce = new BceLoss(new BceLossConfig(null, null));
      WeightedSumLoss sum = new WeightedSumLoss(List.of(bpr, bce), new float[] {2f, 0.5f}, false);
      Forward fwd = Forward.inference(m);
      float expected = 2f * bpr.compute(input(m), fwd).getFloat() + 0.5f * bce.compute(input(m), fwd).getFloat();
      assertThat(sum.compute(input(m), fwd).getFloat()).isCloseTo(expected, within(1e-6f));
      assertThat(sum.needsNegatives()).isTrue();
    }
  }

  @Test
  void compute_uncertainty_logVarianceGetsGradientOneMinusWeightedLoss() {
    try (NDManager m = NDManager.newBaseManager()) {
      BprLoss bpr = new BprLoss();
      WeightedSumLoss sum = new WeightedSumLoss(List.of(bpr), new float[] {1f}, true);
      Params params = new Params(m, new SplittableRandom(1));
      sum.initialize(new InitContext(params.scope("loss"), null, null));
      NDArray s = params.all().get("loss.log-var.0");
      float l = bpr.compute(input(m), Forward.inference(m)).getFloat();
      float value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray total = sum.compute(input(m), new Forward(m, true, new SplittableRandom(0), 0, 0));
        value = total.getFloat();
        gc.backward(total);
      }
      // at s = 0: L = exp(0) * l + 0 = l, dL/ds = 1 - exp(-s) l = 1 - l
      assertThat(value).isCloseTo(l, within(1e-6f));
      assertThat(s.getGradient().getFloat()).isCloseTo(1 - l, within(1e-5f));
    }
  }
}
