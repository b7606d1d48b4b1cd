package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.towerlab.api.model.Forward;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;

/**
 * Sampled softmax over the positive and the sampled negatives:
 * {@code L = -log softmax([s+ - log q+, s_1 - log q_1, ..., s_C - log q_C])[0]}, per row, weighted
 * mean over rows. Masked negatives get a logit of -1e9 (not -inf: a fully masked row stays finite
 * and its loss is 0). With logQ correction a popular negative (large q) gets a smaller logit, so it
 * is penalized less than a rare one with the same score.
 */
public final class SampledSoftmaxLoss implements Loss {
  private final boolean logq;

  public SampledSoftmaxLoss(SampledSoftmaxLossConfig config) {
    this.logq = config.logqCorrection();
  }

  /**
   * {@code -log softmax([pos | neg])[:, 0]} per row without building the {@code [B, 1+C]} logits:
   * {@code log(exp(pos - m) + sum_j exp(neg_j - m)) + m - pos} with {@code m} the row's largest
   * logit, held constant (the log-sum-exp and its gradient do not depend on it). The concatenation,
   * log-softmax and column pick cost five passes over {@code [B, 1+C]} forward and backward
   * (the concat, the log-softmax both ways, and the zero-filled gradients of the slice and the
   * select DJL records for the pick); this costs three forward (max, exp, sum) and one backward
   * (the exp's). Same values to float rounding.
   *
   * @param pos {@code [B]}
   * @param neg {@code [B, C]}
   * @return {@code [B]}
   */
  static NDArray negLogSoftmaxFirst(NDArray pos, NDArray neg) {
    NDArray p = pos.expandDims(1); // [B, 1]
    NDArray m = NDArrays.maximum(neg.max(new int[] {1}, true), p).stopGradient(); // [B, 1]
    NDArray sum = neg.sub(m).exp().sum(new int[] {1}, true).add(p.sub(m).exp()); // [B, 1]
    return sum.log().add(m).sub(p).squeeze(1); // [B]
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    if (!in.hasNegatives()) {
      throw new IllegalStateException("sampled-softmax needs negatives; the sampler returned none");
    }
    NDArray pos = in.scores(); // [B]
    NDArray neg = in.negatives(); // [B, C]
    if (logq && in.scoreLogQ() != null) {
      pos = pos.sub(in.scoreLogQ());
    }
    if (logq && in.negativeLogQ() != null) {
      neg = neg.sub(in.negativeLogQ());
    }
    NDArray mask = in.negativeMask(); // [B, C], 1 = valid
    if (mask != null) {
      // masked -> -1e9: one select instead of neg * mask + (mask - 1) * 1e9, with the same values and gradient
      NDArray masked = neg.getManager().create(-1e9f);
      neg = NDArrays.where(mask.toType(ai.djl.ndarray.types.DataType.BOOLEAN, false), neg, masked);
    }
    NDArray nll = negLogSoftmaxFirst(pos, neg); // [B]
    return in.weightedMean(nll);
  }
}
