package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
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
    NDArray logits = NDArrays.concat(new ai.djl.ndarray.NDList(pos.expandDims(1), neg), 1); // [B, 1+C]
    // column 0 as a plain select: get(":, 0") also records a full slice of dimension 0, whose backward
    // fills and copies another [B, 1+C] block (same values and gradient, 0.9 ms more per step at B = 1024)
    NDArray nll = logits.logSoftmax(1).get(new NDIndex().addAllDim().addIndices(0)).neg(); // [B]
    return in.weightedMean(nll);
  }
}
