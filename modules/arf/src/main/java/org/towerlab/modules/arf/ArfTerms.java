package org.towerlab.modules.arf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.UserException;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;

/**
 * The two ARF terms on one batch of candidate lists, both read from the same relaxed permutation
 * {@code P = NeuralSort(listScores, tau)} and the same label permutation {@code P_y}
 * ({@link ListTargets}). Each term returns a per-list value {@code [B]}; the losses average it over
 * the batch's lists ({@link LossInput#weightedMean}), counting lists a term skips as 0, as the
 * reference code does.
 */
final class ArfTerms {
  private final LossInput input;
  private final NDManager manager;
  private final int batch;
  private final int length;
  private final float[] mask;
  private final float[] labels;
  private final NeuralSort.Relaxed relaxed;
  private final ListTargets targets;

  private ArfTerms(LossInput input, NDManager manager, float tau, int k, boolean relevantOnly) {
    if (!input.hasLists() || input.listLabels() == null) {
      throw new IllegalStateException("the ARF losses need candidate lists (trainer.rows: lists); the batch has none");
    }
    this.input = input;
    this.manager = manager;
    Shape shape = input.listScores().getShape();
    this.batch = Math.toIntExact(shape.get(0));
    this.length = Math.toIntExact(shape.get(1));
    this.labels = input.listLabels().toFloatArray();
    this.mask = input.listMask() == null ? ones(batch * length) : input.listMask().toFloatArray();
    this.relaxed = NeuralSort.relax(input.listScores(), input.listMask(), tau, manager);
    this.targets = ListTargets.of(labels, mask, batch, length, k, relevantOnly);
  }

  static ArfTerms of(LossInput input, Forward fwd, float tau, int k, boolean relevantOnly) {
    return new ArfTerms(input, fwd.manager(), tau, k, relevantOnly);
  }

  int batch() {
    return batch;
  }

  NeuralSort.Relaxed relaxed() {
    return relaxed;
  }

  ListTargets targets() {
    return targets;
  }

  /**
   * {@code L_Relax} per list {@code [B]}, the surrogate of Recall@m@k:
   * <pre>
   *   sum:  -sum_j y_j log( sum_{i<=m} P[i, j] + eps )
   *   mean: -(1/L) sum_j y_j log( (1/m) sum_{i<=m} P[i, j] + eps )      (the reference code)
   * </pre>
   * With {@code columnNormalize} (ARF-v2) the inner sum is divided by the column's total mass
   * {@code sg(sum_i P[i, j]) + eps} instead of by {@code m}; with {@code complement} (ARF-v2) the
   * term {@code -sum_j (1 - y_j) log( sum_{i>m} P[i, j] / (sg(sum_i P[i, j]) + eps) + eps )} over
   * the filled slots is added (scaled by {@code 1/L} in the mean form). Lists with at most
   * {@code m} filled slots are 0 (every slot is trivially in the top-m).
   */
  NDArray relax(RelaxSettings s) {
    if (length <= s.m()) {
      throw new UserException("The ARF loss has m = " + s.m() + " but the candidate lists have only " + length
          + " slots, so every slot is in the top-m and L_Relax is always 0. Set trainer.lists.size above m (the"
          + " reference uses lists of 40 with m = 20 for the pre-ranker) or lower the loss's m.");
    }
    NDArray p = relaxed.p(); // [B, L, L]
    NDArray y = targets.topK(manager); // [B, L]
    NDArray top = p.get(":, :" + s.m() + ", :").sum(new int[] {1}); // [B, L]: mass of slot j in the top-m ranks
    NDArray columns = null;
    NDArray inside;
    if (s.columnNormalize()) {
      columns = p.sum(new int[] {1}).stopGradient().add(s.epsilon()); // [B, L]
      inside = top.div(columns); // [B, L]
    } else if (s.mean()) {
      inside = top.mul(Tensors.scalar(manager, 1f / s.m())); // [B, L]
    } else {
      inside = top; // [B, L]
    }
    NDArray perList = inside.add(s.epsilon()).log().mul(y).sum(new int[] {1}).neg(); // [B]
    if (s.complement()) {
      NDArray rest = Tensors.create(manager, mask, new Shape(batch, length)).sub(y); // [B, L]: 1 - y on filled slots
      NDArray bottom = p.get(":, " + s.m() + ":, :").sum(new int[] {1}).div(columns); // [B, L]
      perList = perList.sub(bottom.add(s.epsilon()).log().mul(rest).sum(new int[] {1})); // [B]
    }
    if (s.mean()) {
      perList = perList.mul(Tensors.scalar(manager, 1f / length)); // [B]
    }
    float[] eligible = new float[batch];
    int[] sizes = targets.sizes();
    for (int b = 0; b < batch; b++) {
      eligible[b] = sizes[b] > s.m() ? 1f : 0f;
    }
    return perList.mul(Tensors.create(manager, eligible)); // [B]
  }

  /**
   * {@code L_Global} per list {@code [B]}: the permutation cross-entropy over all ranks,
   * {@code -(1/n^2) sum_{i, j} P_y[i, j] log P[i, j]} with {@code n} the list's filled slots and
   * {@code log P} a log-softmax; 0 for lists of fewer than 2 filled slots.
   *
   * <p>With {@code groupTies} each rank's target is its label group rather than the one slot the
   * tie-break put there: {@code -(1/n^2) sum_i log sum_{j in G(i)} P[i, j]}, where {@code G(i)}
   * holds the filled slots whose label equals the label at rank {@code i}. It is the likelihood of
   * the labels' weak order: any order inside a tie costs the same, so the term never asks the model
   * to reproduce the slot order of equally labelled candidates (nor, as a cross-entropy against an
   * order it cannot predict would, to flatten their scores). Without ties both forms are equal.
   */
  NDArray global(boolean groupTies) {
    int[] sizes = targets.sizes();
    float[] scale = new float[batch];
    for (int b = 0; b < batch; b++) {
      scale[b] = sizes[b] >= 2 ? -1f / ((float) sizes[b] * sizes[b]) : 0f;
    }
    NDArray perList;
    if (groupTies) {
      NDArray outside = targets.groups(labels, mask, manager).sub(1f).mul(1e30f); // [B, L, L]: 0 in G(i), -1e30 else
      NDArray x = relaxed.logP().add(outside); // [B, L, L]
      NDArray top = x.max(new int[] {2}, true).stopGradient(); // [B, L, 1]
      NDArray logMass = x.sub(top).exp().sum(new int[] {2}).log().add(top.squeeze(2)); // [B, L]: log sum_{G(i)} P
      perList = logMass.mul(relaxed.rowMask()).sum(new int[] {1}); // [B]
    } else {
      perList = relaxed.logP().mul(targets.permutation(manager)).sum(new int[] {1, 2}); // [B]
    }
    return perList.mul(Tensors.create(manager, scale)); // [B]
  }

  /** Logs the training lists' hard Recall@m@k and the share of lists L_Relax counts. */
  void logRecall(Forward fwd, int m) {
    if (!fwd.training()) {
      return;
    }
    double[] r = targets.recall(input.listScores().toFloatArray(), mask, m);
    int[] sizes = targets.sizes();
    double sum = 0;
    int n = 0;
    int eligible = 0;
    for (int b = 0; b < batch; b++) {
      if (sizes[b] > m) {
        eligible++;
        if (!Double.isNaN(r[b])) {
          sum += r[b];
          n++;
        }
      }
    }
    fwd.logMetric("arf-relax-lists", (double) eligible / batch);
    if (n > 0) {
      fwd.logMetric("arf-recall", sum / n);
    }
  }

  /** Logs the training lists' ordered pair accuracy. */
  void logOpa(Forward fwd) {
    if (!fwd.training()) {
      return;
    }
    double[] o = ListTargets.opa(input.listScores().toFloatArray(), labels, mask, batch, length);
    double sum = 0;
    int n = 0;
    for (double v : o) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    if (n > 0) {
      fwd.logMetric("arf-opa", sum / n);
    }
  }

  private static float[] ones(int n) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, 1f);
    return out;
  }

  /** The settings of {@code L_Relax}. */
  record RelaxSettings(int m, boolean mean, boolean columnNormalize, boolean complement, float epsilon) {}
}
