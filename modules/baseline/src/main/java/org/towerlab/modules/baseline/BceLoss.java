package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;

/**
 * Pointwise binary cross-entropy on logits. Each row contributes the BCE of its logged pair
 * against its label plus the BCE of every valid sampled negative against 0, averaged over the
 * row's terms; rows are then averaged with their weights ({@code reduction: mean}) or added with
 * their weights ({@code reduction: sum}, the official IntTower and HIT code). Works without negatives
 * (the {@code ctr} protocol's logged labels) and with any sampler.
 */
public final class BceLoss implements Loss {
  private final String label;
  private final boolean sum;

  public BceLoss(BceLossConfig config) {
    this.label = config.label();
    this.sum = config.reduction().equals("sum");
  }

  /**
   * {@code log(1 + exp(-|x|)) + max(x, 0) - x * y}: stable BCE with logits ({@code max(x, 0)} as
   * {@code relu}: see {@link org.towerlab.api.nn.Tensors} on Java-number arguments).
   */
  static NDArray bceWithLogits(NDArray x, NDArray y) {
    return x.abs().neg().exp().add(1f).log().add(ai.djl.nn.Activation.relu(x)).sub(x.mul(y));
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    NDArray y = in.label(label); // [B]
    NDArray perRow = bceWithLogits(in.scores(), y); // [B]
    if (in.hasNegatives()) {
      NDArray negLoss = bceWithLogits(in.negatives(), in.negatives().zerosLike()); // [B, C]
      NDArray count = in.negativeMask().sum(new int[] {1}).add(1f); // [B]
      perRow = perRow.add(negLoss.mul(in.negativeMask()).sum(new int[] {1})).div(count);
    }
    if (sum) {
      return in.weights() == null ? perRow.sum() : perRow.mul(in.weights()).sum();
    }
    return in.weightedMean(perRow);
  }

  @Override
  public boolean needsNegatives() {
    return false;
  }
}
