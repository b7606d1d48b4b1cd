package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.LossContract;

class HingeLossTest extends LossContract {

  @Override
  protected Loss newLoss() {
    return new HingeLoss(new HingeLossConfig(0.5, "mean"));
  }

  /** The summed reduction passes the contract too. */
  @Nested
  class SumReduction extends LossContract {
    @Override
    protected Loss newLoss() {
      return new HingeLoss(new HingeLossConfig(0.5, "sum"));
    }
  }
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private LossInput input(NDArray pos, NDArray neg, NDArray mask) {
    return LossInput.builder(pos).negatives(neg, mask).labels(Map.of()).build();
  }

  private NDArray vectors(float[] values, int rows) {
    NDArray a = Tensors.create(manager, values, new Shape(rows, values.length / rows));
    a.setRequiresGradient(true);
    return a;
  }

  @Test
  void compute_handCheckedMeanAndSum() {
    // row 0: m=0.5, s+=0.9, s-={0.6, 0.1} -> max(0, .5-.9+.6)=0.2, max(0, .5-.9+.1)=0 ; mean 0.1, sum 0.2
    // row 1: s+=0.0, s-={0.3, -0.2} -> 0.8, 0.3 ; mean 0.55, sum 1.1
    NDArray pos = Tensors.create(manager, new float[] {0.9f, 0f});
    NDArray neg = Tensors.create(manager, new float[] {0.6f, 0.1f, 0.3f, -0.2f}, new Shape(2, 2));
    NDArray mask = manager.ones(new Shape(2, 2));
    Forward fwd = Forward.inference(manager);
    float mean = new HingeLoss(new HingeLossConfig(0.5, "mean")).compute(input(pos, neg, mask), fwd).getFloat();
    float sum = new HingeLoss(new HingeLossConfig(0.5, "sum")).compute(input(pos, neg, mask), fwd).getFloat();
    assertThat(mean).isCloseTo((0.1f + 0.55f) / 2, within(1e-6f));
    assertThat(sum).isCloseTo((0.2f + 1.1f) / 2, within(1e-6f));
  }

  @Test
  void compute_maskedColumn_equalsLossWithoutIt() {
    HingeLoss loss = new HingeLoss(new HingeLossConfig(0.3, "mean"));
    Forward fwd = Forward.inference(manager);
    NDArray pos = Tensors.create(manager, new float[] {0.5f, 0.2f});
    NDArray neg3 = Tensors.create(manager, new float[] {0.4f, 9f, 0.1f, 0.3f, 9f, -0.5f}, new Shape(2, 3));
    NDArray mask3 = Tensors.create(manager, new float[] {1f, 0f, 1f, 1f, 0f, 1f}, new Shape(2, 3));
    NDArray neg2 = Tensors.create(manager, new float[] {0.4f, 0.1f, 0.3f, -0.5f}, new Shape(2, 2));
    float masked = loss.compute(input(pos, neg3, mask3), fwd).getFloat();
    float dropped = loss.compute(input(pos, neg2, manager.ones(new Shape(2, 2))), fwd).getFloat();
    assertThat(masked).isCloseTo(dropped, within(1e-6f)).isPositive();
  }

  @Test
  void compute_fullyMaskedRow_contributesZero() {
    HingeLoss loss = new HingeLoss(new HingeLossConfig(0.3, "mean"));
    NDArray pos = Tensors.create(manager, new float[] {0f, 0f});
    NDArray neg = Tensors.create(manager, new float[] {1f, 1f}, new Shape(2, 1));
    NDArray mask = Tensors.create(manager, new float[] {1f, 0f}, new Shape(2, 1));
    // row 0: 1.3, row 1: nothing valid -> 0; mean over rows 0.65
    assertThat(loss.compute(input(pos, neg, mask), Forward.inference(manager)).getFloat())
        .isCloseTo(0.65f, within(1e-6f));
  }

  @Test
  void compute_tripletsBeyondMargin_giveZeroLossAndZeroTowerGradients() {
    // Query, positive and negative vectors as leaves standing for the two towers' outputs.
    NDArray q = vectors(new float[] {1f, 0f, 0f, 1f}, 2); // [2, 2]
    NDArray p = vectors(new float[] {1f, 0.1f, 0.1f, 1f}, 2); // cos ~ 0.995 with its query
    NDArray n = vectors(new float[] {0f, 1f, 1f, 0.1f}, 2); // cos ~ 0 / 0.1 with the other query
    float margin = 0.5f;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray sPos = Cosines.paired(q, p, 1).reshape(2); // [2]
      NDArray sNeg = Cosines.paired(q, n, 1); // [2, 1]
      for (float gap : sPos.sub(sNeg.reshape(2)).toFloatArray()) {
        assertThat(gap).isGreaterThan(margin);
      }
      NDArray l = new HingeLoss(new HingeLossConfig((double) margin, "mean"))
          .compute(input(sPos, sNeg, manager.ones(new Shape(2, 1))), new Forward(manager, true, null, 0, 0));
      assertThat(l.getFloat()).isZero();
      gc.backward(l);
    }
    for (NDArray a : new NDArray[] {q, p, n}) {
      assertThat(a.getGradient().toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void compute_tripletWithinMargin_givesNonZeroGradientsToBothTowers() {
    NDArray q = vectors(new float[] {1f, 0f}, 1);
    NDArray p = vectors(new float[] {1f, 1f}, 1); // cos 0.707
    NDArray n = vectors(new float[] {1f, 0.5f}, 1); // cos 0.894: violates any margin
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray sPos = Cosines.paired(q, p, 1).reshape(1);
      NDArray sNeg = Cosines.paired(q, n, 1);
      NDArray l = new HingeLoss(new HingeLossConfig(0.1, "mean"))
          .compute(input(sPos, sNeg, manager.ones(new Shape(1, 1))), new Forward(manager, true, null, 0, 0));
      // 0.1 - 0.70711 + 0.89443
      assertThat(l.getFloat()).isCloseTo(0.28732f, within(1e-5f));
      gc.backward(l);
    }
    for (NDArray a : new NDArray[] {q, p, n}) {
      assertThat(a.getGradient().abs().sum().getFloat()).isPositive();
    }
  }

  @Test
  void config_rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> new HingeLossConfig(-0.1, null)).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> new HingeLossConfig(null, "max")).hasMessageContaining("max");
    assertThat(new HingeLossConfig(null, null)).isEqualTo(new HingeLossConfig(0.2, "mean"));
  }
}
