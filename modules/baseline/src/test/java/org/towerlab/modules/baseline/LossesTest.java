package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;

class LossesTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private LossInput input(NDArray pos, NDArray neg, NDArray mask, NDArray posLogq, NDArray negLogq) {
    return LossInput.builder(pos).negatives(neg, mask).logQ(posLogq, negLogq).labels(Map.of("positive", manager.ones(pos.getShape()))).build();
  }

  @Test
  void sampledSoftmax_logqCorrection_penalizesPopularNegativesLess() {
    // Two negatives with the same score; the first is popular (log q = log 0.5), the second rare (log q = log 0.001).
    NDArray pos = manager.create(new float[] {1f});
    NDArray neg = manager.create(new float[] {0.5f, 0.5f}, new Shape(1, 2));
    neg.setRequiresGradient(true);
    NDArray negLogq = manager.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.001)}, new Shape(1, 2));
    NDArray mask = manager.ones(new Shape(1, 2));
    SampledSoftmaxLoss loss = new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(true));
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(loss.compute(input(pos, neg, mask, null, negLogq), Forward.inference(manager)));
    }
    float[] g = neg.getGradient().toFloatArray();
    // dL/ds_j = softmax_j > 0: the popular negative (large q) gets the smaller push-down.
    assertThat(g[0]).isPositive();
    assertThat(g[0]).isLessThan(g[1]);
  }

  @Test
  void sampledSoftmax_withoutCorrection_treatsEqualScoresEqually() {
    NDArray pos = manager.create(new float[] {1f});
    NDArray neg = manager.create(new float[] {0.5f, 0.5f}, new Shape(1, 2));
    neg.setRequiresGradient(true);
    NDArray negLogq = manager.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.001)}, new Shape(1, 2));
    SampledSoftmaxLoss loss = new SampledSoftmaxLoss(new SampledSoftmaxLossConfig(false));
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(loss.compute(input(pos, neg, manager.ones(new Shape(1, 2)), null, negLogq), Forward.inference(manager)));
    }
    float[] g = neg.getGradient().toFloatArray();
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
    float dropped = loss.compute(input(pos, neg2, manager.ones(new Shape(2, 2)), null, null), Forward.inference(manager)).getFloat();
    assertThat(masked).isCloseTo(dropped, within(1e-5f));
    // hand-checked: row 1: -log(e^2 / (e^2 + e^1 + e^-1)) = 0.3490; row 2: -log(e^.3/(e^.3+e^.2+e^.1)) = 1.00194
    assertThat(dropped).isCloseTo((0.34901f + 1.00194f) / 2, within(1e-4f));
  }

  @Test
  void bpr_handCheckedValueAndMask() {
    BprLoss loss = new BprLoss();
    NDArray pos = manager.create(new float[] {1f});
    NDArray neg = manager.create(new float[] {0f, 100f}, new Shape(1, 2));
    NDArray mask = manager.create(new float[] {1f, 0f}, new Shape(1, 2));
    // -log sigmoid(1 - 0) = log(1 + e^-1) = 0.31326
    assertThat(loss.compute(input(pos, neg, mask, null, null), Forward.inference(manager)).getFloat())
        .isCloseTo(0.31326f, within(1e-5f));
  }

  @Test
  void bce_withoutNegatives_isPointwiseCrossEntropy() {
    BceLoss loss = new BceLoss(new BceLossConfig("click", null));
    NDArray scores = manager.create(new float[] {0f, 2f});
    LossInput in = LossInput.builder(scores).labels(Map.of("click", manager.create(new float[] {1f, 0f}))).build();
    // (log 2 + log(1 + e^2)) / 2 = (0.69315 + 2.12693) / 2
    assertThat(loss.compute(in, Forward.inference(manager)).getFloat()).isCloseTo(1.41004f, within(1e-4f));
  }

  @Test
  void bce_sumReduction_addsRowsInsteadOfAveragingThem() {
    BceLoss loss = new BceLoss(new BceLossConfig("click", "sum"));
    NDArray scores = manager.create(new float[] {0f, 2f});
    Map<String, NDArray> labels = Map.of("click", manager.create(new float[] {1f, 0f}));
    // log 2 + log(1 + e^2) = 0.69315 + 2.12693
    assertThat(loss.compute(LossInput.builder(scores).labels(labels).build(), Forward.inference(manager)).getFloat())
        .isCloseTo(2.82008f, within(1e-4f));
    // weighted: 2 * log 2 + 0.5 * log(1 + e^2)
    LossInput weighted = LossInput.builder(scores).labels(labels).weights(manager.create(new float[] {2f, 0.5f}))
        .build();
    assertThat(loss.compute(weighted, Forward.inference(manager)).getFloat()).isCloseTo(2.44976f, within(1e-4f));
  }

  @Test
  void bceConfig_unknownReduction_throwsNamingTheValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BceLossConfig(null, "avg"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'avg'");
  }

  @Test
  void weightedMean_usesPerExampleWeights() {
    BprLoss loss = new BprLoss();
    NDArray pos = manager.create(new float[] {1f, -1f});
    NDArray neg = manager.create(new float[] {0f, 0f}, new Shape(2, 1));
    NDArray w = manager.create(new float[] {1f, 0f});
    LossInput in = LossInput.builder(pos).negatives(neg, manager.ones(new Shape(2, 1))).labels(Map.of()).weights(w).build();
    assertThat(loss.compute(in, Forward.inference(manager)).getFloat()).isCloseTo(0.31326f, within(1e-5f));
  }
}
