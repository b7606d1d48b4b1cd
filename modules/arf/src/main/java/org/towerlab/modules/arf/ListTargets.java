package org.towerlab.modules.arf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.towerlab.api.nn.Tensors;

/**
 * The label side of ARF for a batch of candidate lists, computed in Java from the list labels and
 * mask (no gradient flows into labels).
 *
 * <p><b>Label permutation.</b> {@code P_y} is the hard permutation matrix that sorts each list's
 * filled slots by label, descending: {@code P_y[i, j] = 1} when slot {@code j} has rank {@code i}.
 * It is the {@code tau -> 0} limit of {@link NeuralSort} on the labels (the reference code uses
 * NeuralSort at {@code tau = 1e-4}). Graded labels tie a lot (every unengaged candidate is 0), and
 * NeuralSort merges tied rows into one averaged row, so ties are broken first, deterministically:
 * <b>equal labels keep their slot order</b> (the earlier slot ranks higher). In a sampled or
 * upstream list slot 0 is the training positive; in a request list slots follow the display
 * position.
 *
 * <p><b>Top-k target.</b> {@code y^(k)_j = sum_{i <= k} P_y[i, j]}: 1 for the label's top-k slots.
 * With {@code relevantOnly} only slots with a label above 0 count, so a list with fewer than
 * {@code k} relevant slots targets exactly those (and a list with none targets nothing); without
 * it the top-k is filled up with unengaged slots in slot order.
 */
public final class ListTargets {
  private final int batch;
  private final int length;
  private final int[] sizes;
  private final int[][] order;
  private final float[] targets;
  private final int[] targetCount;

  private ListTargets(int batch, int length, int[] sizes, int[][] order, float[] targets, int[] targetCount) {
    this.batch = batch;
    this.length = length;
    this.sizes = sizes;
    this.order = order;
    this.targets = targets;
    this.targetCount = targetCount;
  }

  /**
   * @param labels graded labels, row-major {@code [B * L]}
   * @param mask 1 where a slot is filled, row-major {@code [B * L]}
   * @param k size of the label's top set
   * @param relevantOnly whether only slots with a label above 0 can be in the top set
   */
  public static ListTargets of(float[] labels, float[] mask, int batch, int length, int k, boolean relevantOnly) {
    if (labels.length != batch * length || mask.length != batch * length) {
      throw new IllegalArgumentException("labels and mask must hold " + batch + " x " + length + " values, got "
          + labels.length + " and " + mask.length);
    }
    int[] sizes = new int[batch];
    int[][] order = new int[batch][];
    float[] targets = new float[batch * length];
    int[] count = new int[batch];
    for (int b = 0; b < batch; b++) {
      int off = b * length;
      order[b] = rank(labels, mask, off, length);
      sizes[b] = order[b].length;
      for (int i = 0; i < Math.min(k, sizes[b]); i++) {
        int j = order[b][i];
        if (!relevantOnly || labels[off + j] > 0) {
          targets[off + j] = 1f;
          count[b]++;
        }
      }
    }
    return new ListTargets(batch, length, sizes, order, targets, count);
  }

  /**
   * The filled slots of one list sorted by value, descending; equal values keep slot order.
   *
   * @return slot indices, rank 1 first
   */
  static int[] rank(float[] values, float[] mask, int offset, int length) {
    Integer[] slots = new Integer[length];
    int n = 0;
    for (int j = 0; j < length; j++) {
      if (mask[offset + j] > 0) {
        slots[n++] = j;
      }
    }
    Integer[] filled = Arrays.copyOf(slots, n);
    // stable sort: ties stay in slot order
    Arrays.sort(filled, (a, c) -> Float.compare(values[offset + c], values[offset + a]));
    return Arrays.stream(filled).mapToInt(Integer::intValue).toArray();
  }

  /** {@code P_y}, {@code [B, L, L]} (rank, slot); zero rows beyond a list's size. */
  public NDArray permutation(NDManager manager) {
    float[] p = new float[batch * length * length];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < order[b].length; i++) {
        p[(b * length + i) * length + order[b][i]] = 1f;
      }
    }
    return Tensors.create(manager, p, new Shape(batch, length, length));
  }

  /**
   * The label groups of each rank, {@code [B, L, L]} (rank, slot): 1 where slot {@code j} is filled
   * and has the same label as the slot at rank {@code i}; zero rows beyond a list's size. Without
   * ties it equals {@link #permutation}.
   */
  public NDArray groups(float[] labels, float[] mask, NDManager manager) {
    float[] g = new float[batch * length * length];
    for (int b = 0; b < batch; b++) {
      int off = b * length;
      for (int i = 0; i < order[b].length; i++) {
        float label = labels[off + order[b][i]];
        for (int j = 0; j < length; j++) {
          if (mask[off + j] > 0 && labels[off + j] == label) {
            g[(b * length + i) * length + j] = 1f;
          }
        }
      }
    }
    return Tensors.create(manager, g, new Shape(batch, length, length));
  }

  /** {@code y^(k)}, {@code [B, L]}. */
  public NDArray topK(NDManager manager) {
    return Tensors.create(manager, targets, new Shape(batch, length));
  }

  /** The top-k target, row-major {@code [B * L]} (a copy). */
  public float[] topKValues() {
    return targets.clone();
  }

  /** Each list's number of filled slots. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** Each list's number of top-k target slots. */
  public int[] targetCounts() {
    return targetCount.clone();
  }

  /** The slots of list {@code b} in label order. */
  public int[] order(int b) {
    return order[b].clone();
  }

  /**
   * Recall@m@k of each list under {@code scores} (row-major {@code [B * L]}): the share of the
   * label's top-k target slots that the scores place in their top-m (ties in the scores by slot
   * order), {@code NaN} for a list without targets.
   */
  public double[] recall(float[] scores, float[] mask, int m) {
    double[] out = new double[batch];
    for (int b = 0; b < batch; b++) {
      if (targetCount[b] == 0) {
        out[b] = Double.NaN;
        continue;
      }
      int[] byScore = rank(scores, mask, b * length, length);
      int hit = 0;
      for (int i = 0; i < Math.min(m, byScore.length); i++) {
        hit += targets[b * length + byScore[i]] > 0 ? 1 : 0;
      }
      out[b] = (double) hit / targetCount[b];
    }
    return out;
  }

  /**
   * The relaxed Recall@m@k of each list, {@code (1/k_b) sum_j y^(k)_j sum_{i<=m} P[i, j]}
   * {@code [B]} (0 for a list without targets), where {@code k_b} is the list's number of targets.
   * With a hard {@code P} (NeuralSort as {@code tau -> 0}) it is {@link #recall}.
   *
   * @param p a relaxed permutation {@code [B, L, L]} (rank, slot)
   */
  public NDArray relaxedRecall(NDArray p, int m, NDManager manager) {
    float[] inv = new float[batch];
    for (int b = 0; b < batch; b++) {
      inv[b] = targetCount[b] == 0 ? 0f : 1f / targetCount[b];
    }
    NDArray top = p.get(":, :" + m + ", :").sum(new int[] {1}); // [B, L]
    return top.mul(topK(manager)).sum(new int[] {1}).mul(Tensors.create(manager, inv)); // [B]
  }

  /**
   * Ordered pair accuracy of each list, {@code #{(i, j): y_i > y_j, s_i > s_j} / #{(i, j): y_i > y_j}}
   * over its filled slots, {@code NaN} for a list whose labels are all equal.
   */
  public static double[] opa(float[] scores, float[] labels, float[] mask, int batch, int length) {
    double[] out = new double[batch];
    for (int b = 0; b < batch; b++) {
      int off = b * length;
      long pairs = 0;
      long right = 0;
      for (int i = 0; i < length; i++) {
        for (int j = 0; j < length; j++) {
          if (mask[off + i] > 0 && mask[off + j] > 0 && labels[off + i] > labels[off + j]) {
            pairs++;
            right += scores[off + i] > scores[off + j] ? 1 : 0;
          }
        }
      }
      out[b] = pairs == 0 ? Double.NaN : (double) right / pairs;
    }
    return out;
  }
}
