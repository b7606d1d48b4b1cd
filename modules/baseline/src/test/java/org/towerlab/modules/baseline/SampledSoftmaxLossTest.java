package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.LossContract;

class SampledSoftmaxLossTest extends LossContract {
  private NDManager manager;

  @Override
  protected Loss newLoss() {
    return new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true));
  }

  /** Without logQ correction the contract holds too. */
  @Nested
  class WithoutCorrection extends LossContract {
    @Override
    protected Loss newLoss() {
      return new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(false));
    }
  }

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private LossInput input(NDArray pos, NDArray neg, NDArray mask, NDArray posLogq, NDArray negLogq) {
    return LossInput.builder(pos).negatives(neg, mask).logQ(posLogq, negLogq)
        .labels(Map.of("positive", manager.ones(pos.getShape()))).build();
  }

  private float[] negativeGradient(SampledSoftmaxLoss loss, NDArray pos, NDArray neg, NDArray negLogq) {
    return Gradients.of(Map.of("neg", neg), () -> loss.compute(input(pos, neg, manager.ones(new Shape(1, 2)), null,
        negLogq), Forward.inference(manager))).of("neg");
  }

  @Test
  void sampledSoftmax_logqCorrection_penalizesPopularNegativesLess() {
    // Two negatives with the same score; the first is popular (log q = log 0.5), the second rare (log q = log 0.001).
    NDArray pos = manager.create(new float[] {1f});
    NDArray neg = manager.create(new float[] {0.5f, 0.5f}, new Shape(1, 2));
    NDArray negLogq = manager.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.001)}, new Shape(1, 2));
    float[] g = negativeGradient(new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true)), pos, neg, negLogq);
    // dL/ds_j = softmax_j > 0: the popular negative (large q) gets the smaller push-down.
    assertThat(g[0]).isPositive();
    assertThat(g[0]).isLessThan(g[1]);
  }

  @Test
  void sampledSoftmax_withoutCorrection_treatsEqualScoresEqually() {
    NDArray pos = manager.create(new float[] {1f});
    NDArray neg = manager.create(new float[] {0.5f, 0.5f}, new Shape(1, 2));
    NDArray negLogq = manager.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.001)}, new Shape(1, 2));
    float[] g = negativeGradient(new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(false)), pos, neg, negLogq);
    assertThat(g[0]).isCloseTo(g[1], within(1e-7f));
  }

  @Test
  void sampledSoftmax_maskedColumn_equalsLossWithoutIt() {
    SampledSoftmaxLoss loss = new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(false));
    NDArray pos = manager.create(new float[] {2f, 0.3f});
    NDArray neg3 = manager.create(new float[] {1f, 5f, -1f, 0.2f, 9f, 0.1f}, new Shape(2, 3));
    NDArray mask3 = manager.create(new float[] {1f, 0f, 1f, 1f, 0f, 1f}, new Shape(2, 3));
    NDArray neg2 = manager.create(new float[] {1f, -1f, 0.2f, 0.1f}, new Shape(2, 2));
    float masked = loss.compute(input(pos, neg3, mask3, null, null), Forward.inference(manager)).getFloat();
    float dropped = loss.compute(input(pos, neg2, manager.ones(new Shape(2, 2)), null, null), Forward.inference(manager))
        .getFloat();
    assertThat(masked).isCloseTo(dropped, within(1e-5f));
    // hand-checked: row 1: -log(e^2 / (e^2 + e^1 + e^-1)) = 0.3490; row 2: -log(e^.3/(e^.3+e^.2+e^.1)) = 1.00194
    assertThat(dropped).isCloseTo((0.34901f + 1.00194f) / 2, within(1e-4f));
  }
}
