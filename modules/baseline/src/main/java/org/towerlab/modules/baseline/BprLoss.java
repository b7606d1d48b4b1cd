package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;

/**
 * BPR (Rendle et al., "BPR: Bayesian Personalized Ranking from Implicit Feedback", UAI 2009):
 * {@code -log sigmoid(s+ - s-)}, averaged over each row's valid negatives, then over rows with
 * their weights.
 */
public final class BprLoss implements Loss {

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    if (!in.hasNegatives()) {
      throw new IllegalStateException("bpr needs negatives; the sampler returned none");
    }
    NDArray diff = in.scores().expandDims(1).sub(in.negatives()); // [B, C]
    // -log sigmoid(d) = log(1 + e^-d), in the stable form log(1 + e^-|d|) + relu(-d)
    NDArray nll = diff.abs().neg().exp().add(1f).log().add(ai.djl.nn.Activation.relu(diff.neg())); // [B, C]
    NDArray mask = in.negativeMask();
    NDArray perRow = nll.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f)); // [B]
    return in.weightedMean(perRow);
  }
}
