package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.LossContract;
import org.towerlab.api.testkit.TestParams;

class WeightedSumLossTest extends LossContract {
  @Override
  protected Loss newLoss() {
    return new WeightedSumLoss(List.of(new BprLoss(), new BceLoss(new BceLossConfig(null, null))), new float[] {2f, 0.5f},
        false);
  }

  /** Learned uncertainty weights: a parametric loss, its log-variances get finite gradients. */
  @Nested
  class Uncertainty extends LossContract {
    @Override
    protected Loss newLoss() {
      return new WeightedSumLoss(List.of(new BprLoss(), new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true))),
          new float[] {1f, 1f}, true);
    }
  }

  private static LossInput input(NDManager m) {
    return LossInput.builder(m.create(new float[] {1f})).negatives(m.create(new float[] {0f}, new Shape(1, 1)),
        m.ones(new Shape(1, 1))).labels(Map.of("positive", m.ones(new Shape(1)))).build();
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
      TestParams params = new TestParams(m, 1);
      sum.initialize(params.loss(null));
      NDArray s = params.all().get("loss.log-var.0");
      float l = bpr.compute(input(m), Forward.inference(m)).getFloat();
      Gradients.Result g = Gradients.of(Map.of("s", s), () -> sum.compute(input(m), Forwards.training(m, 0)));
      // at s = 0: L = exp(0) * l + 0 = l, dL/ds = 1 - exp(-s) l = 1 - l
      assertThat(g.value()).isCloseTo(l, within(1e-6f));
      assertThat(g.of("s")[0]).isCloseTo(1 - l, within(1e-5f));
    }
  }

  /** A term that checks the run's parts, as mvke-bce or gnolr do; it sees itself as the run's loss. */
  private static final class PickyLoss implements Loss, org.towerlab.api.Compatibility {
    Parts seen;

    @Override
    public NDArray compute(LossInput input, Forward fwd) {
      return input.scores().sum();
    }

    @Override
    public String incompatibility(Parts parts) {
      seen = parts;
      return "needs a multi-task model";
    }
  }

  @Test
  void incompatibility_aTermRefuses_sumRefusesNamingTheTerm() {
    PickyLoss picky = new PickyLoss();
    WeightedSumLoss sum = new WeightedSumLoss(List.of(new BprLoss(), picky), new float[] {1f, 1f}, false);
    org.towerlab.api.Compatibility.Parts parts =
        new org.towerlab.api.Compatibility.Parts(null, null, null, null, null, sum, null, null);
    assertThat(sum.incompatibility(parts)).isEqualTo("weighted-sum terms[1]: needs a multi-task model");
    assertThat(picky.seen.loss()).isSameAs(picky);
    assertThat(new WeightedSumLoss(List.of(new BprLoss()), new float[] {1f}, false).incompatibility(parts)).isNull();
  }
}
