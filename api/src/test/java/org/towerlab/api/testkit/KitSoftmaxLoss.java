package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;

/**
 * A reference loss: softmax over the positive and the valid candidates, without logQ correction,
 * {@code L = mean_b -log softmax([s_b, s_b1, ..., s_bC])[0]}; masked candidates get a logit of
 * {@code -1e9}. Rows are averaged with {@link LossInput#weightedMean}.
 */
public final class KitSoftmaxLoss implements Loss {
  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    NDArray neg = in.negatives(); // [B, C]
    NDArray mask = in.negativeMask(); // [B, C]
    NDArray masked = neg.mul(mask).add(mask.sub(1f).mul(1e9f)); // [B, C]
    NDArray logits = NDArrays.concat(new NDList(in.scores().expandDims(1), masked), 1); // [B, 1+C]
    return in.weightedMean(logits.logSoftmax(1).get(":, 0").neg()); // []
  }
}
