package org.towerlab.modules.ebr;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;

/**
 * The triplet hinge loss of Facebook EBR (Huang et al., "Embedding-based Retrieval in Facebook
 * Search", KDD 2020, eq. 1): {@code L = sum_i max(0, D(q_i, d_i+) - D(q_i, d_i-) + m)} with the
 * cosine distance {@code D = 1 - cos}, that is {@code max(0, m - s(q, d+) + s(q, d-))}. Here
 * {@code s} is whatever the interaction scores: with the {@code cosine} interaction at temperature 1
 * this is exactly EBR's loss; at temperature {@code tau} the margin is {@code m * tau} in cosine
 * units.
 *
 * <p>Per row, the hinge terms of the valid negatives ({@code negativeMask == 1}) are averaged
 * ({@code mean}) or added ({@code sum}); rows are then averaged with their weights. A row with no
 * valid negative contributes 0. A triplet beyond the margin ({@code s+ - s- >= m}) contributes 0 to
 * the loss and exactly 0 to every gradient (ReLU's gradient is 0 at and below 0). LogQ inputs are
 * ignored: a hinge has no sampling correction.
 *
 * <p>Shapes: {@code scores [B]}, {@code negatives [B, C]}, {@code negativeMask [B, C]}; result a
 * scalar on {@code fwd.manager()}.
 */
public final class HingeLoss implements Loss {
  private final float margin;
  private final boolean sum;

  public HingeLoss(HingeLossConfig config) {
    this.margin = config.margin().floatValue();
    this.sum = config.reduction().equals("sum");
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    if (!in.hasNegatives()) {
      throw new IllegalStateException("hinge needs negatives; the sampler returned none");
    }
    NDArray neg = in.negatives(); // [B, C]
    NDArray gap = neg.sub(in.scores().expandDims(1)).add(Tensors.scalar(fwd.manager(), margin)); // [B, C]: m - s+ + s-
    NDArray hinge = Activation.relu(gap); // [B, C]
    NDArray mask = in.negativeMask(); // [B, C], 1 = valid
    if (mask != null) {
      hinge = hinge.mul(mask);
    }
    NDArray perRow = hinge.sum(new int[] {1}); // [B]
    if (!sum) {
      NDArray count = mask == null
          ? Tensors.scalar(fwd.manager(), neg.getShape().get(1))
          : mask.sum(new int[] {1}).maximum(Tensors.scalar(fwd.manager(), 1f)); // [B]
      perRow = perRow.div(count); // [B]
    }
    return in.weightedMean(perRow);
  }
}
