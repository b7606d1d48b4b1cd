package org.towerlab.modules.rankflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;

/**
 * RankFlow's tutor-learning loss (the official code's {@code _student_learning}): the student
 * (this stage) learns the order and the values of the next stage's scores on the same candidate
 * list. With {@code y = sigmoid(s)} for the student and {@code t = sigmoid(teacher)} (logits
 * themselves with {@code use-logit}), {@code T_b} the teacher's top-k valid slots of list b and
 * {@code R_b} its other valid slots:
 * <pre>
 *   L_rank = -mean_b log sigmoid( mean_{j in T_b} y_bj - mean_{j in R_b} y_bj )
 *   L_mse  = mean_b [ sum_j m_bj (y_bj - t_bj)^2 / sum_j m_bj ]
 *   L      = alpha L_rank + (1 - alpha) L_mse
 * </pre>
 * Lists with no slot outside the top-k (k or fewer valid slots) take no part in the rank term.
 * Ties among the teacher's scores go to the earlier slot. The teacher's scores
 * ({@link LossInput#listTeacher()}) are detached by the strategy and again here: no gradient
 * reaches the teacher. Means over lists use the list weights when present.
 */
public final class RankflowTutorLoss implements Loss {
  private final float alpha;
  private final int k;
  private final boolean useLogit;

  public RankflowTutorLoss(RankflowTutorLossConfig config) {
    this.alpha = config.alpha().floatValue();
    this.k = config.topK();
    this.useLogit = config.useLogit();
  }

  /** 1 on each list's teacher top-k among the valid slots (ties: earlier slot first), else 0; {@code [B, L]}. */
  static float[] topK(float[] teacher, float[] mask, int rows, int len, int k) {
    float[] out = new float[rows * len];
    for (int b = 0; b < rows; b++) {
      int base = b * len;
      Integer[] slots = new Integer[len];
      int n = 0;
      for (int j = 0; j < len; j++) {
        if (mask[base + j] > 0) {
          slots[n++] = j;
        }
      }
      Integer[] valid = Arrays.copyOf(slots, n);
      Arrays.sort(valid, (x, y) -> {
        int c = Float.compare(teacher[base + y], teacher[base + x]);
        return c != 0 ? c : Integer.compare(x, y);
      });
      for (int i = 0; i < Math.min(k, n); i++) {
        out[base + valid[i]] = 1f;
      }
    }
    return out;
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    if (!in.hasLists() || in.listTeacher() == null) {
      throw new IllegalStateException("rankflow-tutor needs candidate lists (rows: lists) and a teacher's scores of"
          + " them (a cascade phase with teacher:)");
    }
    NDArray s = in.listScores(); // [B, L]
    NDArray t = in.listTeacher().stopGradient(); // [B, L]
    NDArray m = in.listMask(); // [B, L]
    Shape shape = s.getShape();
    int rows = (int) shape.get(0);
    int len = (int) shape.get(1);
    NDArray top = Tensors.create(fwd.manager(), topK(t.toFloatArray(), m.toFloatArray(), rows, len, k), shape); // [B, L]
    NDArray rest = m.sub(top); // [B, L]
    NDArray ys = useLogit ? s : Activation.sigmoid(s); // [B, L]
    NDArray yt = useLogit ? t : Activation.sigmoid(t); // [B, L]

    NDArray nTop = top.sum(new int[] {1}); // [B]
    NDArray nRest = rest.sum(new int[] {1}); // [B]
    NDArray diff = ys.mul(top).sum(new int[] {1}).div(nTop.maximum(1f))
        .sub(ys.mul(rest).sum(new int[] {1}).div(nRest.maximum(1f))); // [B]
    // -log sigmoid(d) = softplus(-d) = relu(-d) + log(1 + exp(-|d|))
    NDArray rank = Activation.relu(diff.neg()).add(diff.abs().neg().exp().add(1f).log()); // [B]
    NDArray inRank = nTop.gt(0f).logicalAnd(nRest.gt(0f)).toType(s.getDataType(), false); // [B]
    NDArray w = in.weights() == null ? inRank : inRank.mul(in.weights()); // [B]
    NDArray rankLoss = rank.mul(w).sum().div(w.sum().maximum(1e-12f)); // []

    NDArray mse = ys.sub(yt).square().mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1f)); // [B]
    NDArray mseLoss = in.weightedMean(mse); // []
    fwd.logMetric("rankflow-rank", rankLoss);
    fwd.logMetric("rankflow-mse", mseLoss);
    return rankLoss.mul(Tensors.scalar(fwd.manager(), alpha)).add(mseLoss.mul(Tensors.scalar(fwd.manager(), 1f - alpha)));
  }

  @Override
  public boolean needsNegatives() {
    return false;
  }

  @Override
  public boolean needsTeacher() {
    return true;
  }

  @Override
  public List<TrainingRows> rows() {
    return List.of(TrainingRows.LISTS);
  }
}
