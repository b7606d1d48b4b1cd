package org.towerlab.modules.rankflow;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;

/**
 * RankFlow's self-learning loss (the official code's {@code _teacher_learning}): pointwise binary
 * cross-entropy over the slots of each candidate list against the logged labels of the space after
 * the upstream truncation, where a candidate is positive iff its graded label is above 0 (shown
 * and engaged) and every other candidate, unexposed ones included, is a negative:
 * <pre>
 *   L = sum_b w_b [ sum_j m_bj BCE(s_bj, 1[y_bj > 0]) / sum_j m_bj ] / sum_b w_b
 * </pre>
 * with the list mask {@code m} and the list weights {@code w} (1 without IPW). Scores are logits.
 */
public final class RankflowSelfLoss implements Loss {

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    if (!in.hasLists()) {
      throw new IllegalStateException("rankflow-self trains on candidate lists (rows: lists)");
    }
    NDArray s = in.listScores(); // [B, L]
    NDArray y = in.listLabels().gt(0f).toType(s.getDataType(), false); // [B, L]
    NDArray m = in.listMask(); // [B, L]
    // log(1 + exp(-|x|)) + max(x, 0) - x y: stable BCE with logits (max as relu: see api.nn.Tensors)
    NDArray bce = s.abs().neg().exp().add(1f).log().add(Activation.relu(s)).sub(s.mul(y)); // [B, L]
    NDArray perList = bce.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1f)); // [B]
    return in.weightedMean(perList);
  }

  @Override
  public boolean needsNegatives() {
    return false;
  }

  @Override
  public List<TrainingRows> rows() {
    return List.of(TrainingRows.LISTS);
  }
}
