package org.towerlab.modules.arf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.nn.Tensors;

/**
 * NeuralSort's relaxed permutation matrix (Grover, Wang, Zweig, Ermon, "Stochastic Optimization of
 * Sorting Networks via Continuous Relaxations", ICLR 2019), batched and masked.
 *
 * <p>For the scores {@code s} of one list of {@code n} valid slots and a temperature {@code tau},
 * row {@code i = 1..n} (rank {@code i}, descending) is
 * <pre>
 *   P(s; tau)[i, :] = softmax( ((n + 1 - 2i) s - A_s 1) / tau ),   A_s[j, k] = |s_j - s_k|
 * </pre>
 * Row {@code i} is close to the one-hot of the {@code i}-th largest score; every row sums to 1,
 * columns generally do not; as {@code tau -> 0} it is the hard permutation matrix
 * ({@code P s = sort(s, descending)}).
 *
 * <p><b>Masks.</b> A list of length {@code L} with {@code n <= L} filled slots (mask 1) is sorted as
 * if the padded slots did not exist: {@code n} counts the list's own filled slots, {@code A_s 1}
 * sums over filled slots only, padded columns get probability exactly 0, and rows
 * {@code i > n} (ranks the list does not have) are all zero. Padded scores are multiplied by their
 * mask of 0 before anything else, so they receive exactly zero gradient.
 */
public final class NeuralSort {
  /** Added to the logits of padded columns: {@code exp} of it is exactly 0 in float32. */
  private static final float PADDED = -1e30f;

  private NeuralSort() {}

  /**
   * The relaxed permutation of a batch of lists, with its logarithm (for cross-entropies) and the
   * row mask.
   *
   * @param p the relaxed permutation {@code [B, L, L]} (rank, slot); zero rows for ranks beyond a
   *     list's size and zero columns for padded slots
   * @param logP {@code log_softmax} of the same logits {@code [B, L, L]}: finite on valid rows and
   *     columns, {@code -1e30} on padded columns, meaningless on rows beyond the list's size
   * @param rowMask 1 for ranks {@code i <= n} of each list {@code [B, L]}
   * @param sizes each list's number of filled slots {@code n}
   */
  public record Relaxed(NDArray p, NDArray logP, NDArray rowMask, int[] sizes) {}

  /**
   * NeuralSort of {@code scores [B, L]} at temperature {@code tau}; arrays are created on
   * {@code manager} (the batch manager in a loss).
   *
   * @param mask 1 where a slot is filled {@code [B, L]}, or {@code null} when every slot is
   */
  public static Relaxed relax(NDArray scores, NDArray mask, float tau, NDManager manager) {
    if (!(tau > 0) || Float.isInfinite(tau)) {
      throw new IllegalArgumentException("NeuralSort temperature must be positive and finite, got " + tau);
    }
    Shape shape = scores.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("NeuralSort expects scores [B, L], got " + shape);
    }
    int b = Math.toIntExact(shape.get(0));
    int len = Math.toIntExact(shape.get(1));
    float[] m = mask == null ? ones(b * len) : mask.toFloatArray();
    int[] sizes = new int[b];
    float[] nv = new float[b];
    float[] rows = new float[b * len];
    for (int r = 0; r < b; r++) {
      int n = 0;
      for (int j = 0; j < len; j++) {
        n += m[r * len + j] > 0 ? 1 : 0;
      }
      sizes[r] = n;
      nv[r] = n;
      for (int i = 0; i < n; i++) {
        rows[r * len + i] = 1f;
      }
    }
    float[] odd = new float[len];
    for (int i = 0; i < len; i++) {
      odd[i] = 2 * i + 1; // 2i - 1 for the 1-based rank i + 1
    }
    NDArray maskArr = Tensors.create(manager, m, new Shape(b, len)); // [B, L]
    NDArray s = scores.mul(maskArr); // [B, L], padded slots 0 (and no gradient)
    NDArray absDiff = s.expandDims(2).sub(s.expandDims(1)).abs(); // [B, L, L]: |s_j - s_k|
    NDArray rowSum = absDiff.mul(maskArr.expandDims(1)).sum(new int[] {2}); // [B, L]: (A_s 1)_j over filled k
    // coefficient of rank i (1-based): n + 1 - 2i, with n the list's own size
    NDArray coef = Tensors.create(manager, nv, new Shape(b, 1)).sub(Tensors.create(manager, odd, new Shape(1, len))); // [B, L]
    NDArray logits = coef.expandDims(2).mul(s.expandDims(1)) // [B, L, L]: (n + 1 - 2i) s_j
        .sub(rowSum.expandDims(1)) // [B, L, L]
        .div(Tensors.scalar(manager, tau)); // [B, L, L]
    NDArray padded = maskArr.sub(1f).mul(-PADDED).expandDims(1); // [B, 1, L]: 0 filled, -1e30 padded
    logits = logits.add(padded); // [B, L, L]
    NDArray rowMask = Tensors.create(manager, rows, new Shape(b, len)); // [B, L]
    NDArray p = logits.softmax(2).mul(rowMask.expandDims(2)); // [B, L, L]
    NDArray logP = logits.logSoftmax(2); // [B, L, L]
    return new Relaxed(p, logP, rowMask, sizes);
  }

  /** The relaxed permutation only ({@link #relax}{@code .p()}), {@code [B, L, L]}. */
  public static NDArray permutation(NDArray scores, NDArray mask, float tau, NDManager manager) {
    return relax(scores, mask, tau, manager).p();
  }

  private static float[] ones(int n) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, 1f);
    return out;
  }
}
