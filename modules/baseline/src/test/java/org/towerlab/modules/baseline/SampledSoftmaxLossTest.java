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

  @Test
  void masking_equalsTheArithmeticForm_bitForBit() {
    // the loss masks with where(mask, neg, -1e9); the arithmetic form neg * mask + (mask - 1) * 1e9 gives
    // the same logits and the same gradient, to the last bit (the documented results were made with it)
    java.util.Random r = new java.util.Random(7);
    int b = 64;
    int c = 80;
    float[] n = new float[b * c];
    float[] m = new float[b * c];
    float[] p = new float[b];
    float[] lq = new float[c];
    for (int i = 0; i < n.length; i++) {
      n[i] = (float) r.nextGaussian() * 5;
      m[i] = r.nextInt(4) == 0 ? 0f : 1f;
    }
    for (int i = 0; i < b; i++) {
      p[i] = (float) r.nextGaussian() * 5;
    }
    for (int j = 0; j < c; j++) {
      lq[j] = (float) -r.nextDouble() * 8;
    }
    SampledSoftmaxLoss loss = (SampledSoftmaxLoss) newLoss();
    NDArray neg = manager.create(n, new Shape(b, c));
    NDArray pos = manager.create(p);
    NDArray mask = manager.create(m, new Shape(b, c));
    NDArray negLogq = manager.create(lq, new Shape(1, c));
    Gradients.Result got = Gradients.of(Map.of("neg", neg, "pos", pos), () -> loss.compute(
        input(pos, neg, mask, null, negLogq), Forward.inference(manager)));
    Gradients.Result arithmetic = Gradients.of(Map.of("neg", neg, "pos", pos), () -> {
      NDArray x = neg.sub(negLogq);
      x = x.mul(mask).add(mask.sub(1f).mul(1e9f));
      return SampledSoftmaxLoss.negLogSoftmaxFirst(pos, x).mean();
    });
    assertThat(got.value()).isEqualTo(arithmetic.value());
    assertThat(got.of("neg")).containsExactly(arithmetic.of("neg"));
    assertThat(got.of("pos")).containsExactly(arithmetic.of("pos"));
  }

  @Test
  void negLogSoftmaxFirst_equalsLogSoftmaxOfTheConcatenation_valuesAndGradients() {
    // the loss's cat-free form against -log_softmax([pos | neg])[:, 0], the form the documented results
    // before 2026-12-06 were made with: equal to float rounding, with large logits (the max is held
    // constant, so nothing overflows), masked columns (-1e9) and a row whose negatives are all masked
    java.util.Random r = new java.util.Random(11);
    int b = 48;
    int c = 70;
    float[] n = new float[b * c];
    float[] p = new float[b];
    for (int i = 0; i < n.length; i++) {
      int row = i / c;
      n[i] = row == 0 || r.nextInt(5) == 0 ? -1e9f : (float) r.nextGaussian() * (row < 8 ? 60 : 5);
    }
    for (int i = 0; i < b; i++) {
      p[i] = (float) r.nextGaussian() * (i < 8 ? 60 : 5);
    }
    NDArray neg = manager.create(n, new Shape(b, c));
    NDArray pos = manager.create(p);
    // weights 1..B: a weighted sum, so each row's gradient is checked on its own scale, none of them 0
    NDArray weights = manager.arange(1f, b + 1f);
    Gradients.Result got = Gradients.of(Map.of("neg", neg, "pos", pos),
        () -> SampledSoftmaxLoss.negLogSoftmaxFirst(pos, neg).mul(weights).sum());
    Gradients.Result concat = Gradients.of(Map.of("neg", neg, "pos", pos), () -> {
      NDArray logits = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(pos.expandDims(1), neg), 1);
      return logits.logSoftmax(1).get(":, 0").neg().mul(weights).sum();
    });
    assertThat(got.value()).isCloseTo(concat.value(), within(Math.abs(concat.value()) * 1e-6f));
    float[] gn = got.of("neg");
    float[] cn = concat.of("neg");
    for (int i = 0; i < gn.length; i++) {
      assertThat(gn[i]).as("d/dneg[%d]", i).isCloseTo(cn[i], within(1e-5f * (1 + i / c)));
    }
    float[] gp = got.of("pos");
    float[] cp = concat.of("pos");
    for (int i = 0; i < gp.length; i++) {
      assertThat(gp[i]).as("d/dpos[%d]", i).isCloseTo(cp[i], within(1e-5f * (1 + i)));
    }
    assertThat(gp[0]).as("a row with every negative masked has nothing to learn").isZero();
  }
}
