package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;

/**
 * Distillation from a teacher's scores of the same candidates (computed under no-grad by the
 * strategy: {@code distill}, or a cascade stage with {@code teacher:}). The columns are the row's
 * pair and its candidates ({@link LossInput#teacher()} against {@code [scores | negatives]}), or
 * the list slots in list mode ({@link LossInput#listTeacher()} against {@code listScores}); masked
 * columns take no part.
 * <ul>
 *   <li>{@code distill-kl} (Hinton et al., "Distilling the Knowledge in a Neural Network", 2015):
 *       {@code T^2 KL(softmax(t / T) || softmax(s / T))} per row over the valid columns, mean over
 *       rows. Needs candidates: with one column the softmax is 1 and the loss is 0.
 *   <li>{@code distill-mse}: {@code (s - t)^2} averaged over the valid columns of each row, then over
 *       rows (RankFlow's value term when the student and teacher scores share a scale).
 * </ul>
 */
public final class DistillLoss implements Loss {
  private final boolean kl;
  private final float temperature;

  public DistillLoss(boolean kl, double temperature) {
    this.kl = kl;
    this.temperature = (float) temperature;
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    NDArray s;
    NDArray t;
    NDArray mask;
    if (in.hasLists()) {
      if (in.listTeacher() == null) {
        throw new IllegalStateException("distillation needs list teacher scores; the strategy gave none");
      }
      s = in.listScores(); // [B, L]
      t = in.listTeacher(); // [B, L]
      mask = in.listMask(); // [B, L]
    } else {
      if (in.teacher() == null) {
        throw new IllegalStateException("distillation needs teacher scores; the strategy gave none");
      }
      NDArray pair = in.scores().expandDims(1); // [B, 1]
      s = in.hasNegatives() ? NDArrays.concat(new NDList(pair, in.negatives()), 1) : pair; // [B, W]
      t = in.teacher(); // [B, W]
      NDArray ones = pair.onesLike();
      mask = in.hasNegatives() ? NDArrays.concat(new NDList(ones, in.negativeMask()), 1) : ones; // [B, W]
    }
    if (kl) {
      NDArray invT = Tensors.scalar(fwd.manager(), 1f / temperature);
      NDArray neg = mask.sub(1f).mul(1e9f); // 0 where valid, -1e9 where masked
      NDArray ls = s.mul(invT).mul(mask).add(neg).logSoftmax(1); // [B, W]
      NDArray lt = t.mul(invT).mul(mask).add(neg).logSoftmax(1); // [B, W], no gradient
      NDArray pt = lt.exp().mul(mask);
      NDArray perRow = pt.mul(lt.sub(ls)).mul(mask).sum(new int[] {1}); // [B]
      return in.weightedMean(perRow).mul(Tensors.scalar(fwd.manager(), temperature * temperature));
    }
    NDArray sq = s.sub(t).square().mul(mask).sum(new int[] {1}); // [B]
    NDArray perRow = sq.div(mask.sum(new int[] {1}).maximum(1f)); // [B]
    return in.weightedMean(perRow);
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
    return List.of(TrainingRows.POSITIVES, TrainingRows.LISTS, TrainingRows.LOGGED);
  }
}
