package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.nn.Tensors;

/**
 * Reads a user's personalized codebook {@code X_bar [B, L*K, d]} (row {@code l * K + k} of user b is
 * {@code X_bar_l[k] = MHA(C_l[k], H_b, H_b)}) at items' codes: the student's attended vector
 * {@code h_tilde(b, i) = sum_l X_bar_l[z_l(i)]} is L gathers and a sum, O(L d) per candidate.
 */
final class PersonalizedCodebook {
  private PersonalizedCodebook() {}

  /**
   * {@code sum_l X_bar[b, l, codes[b, c, l]]} for every row b and column c.
   *
   * @param xbar {@code [B, L*K, d]}
   * @param codes the codes of each cell, row-major {@code [B, C, L]}
   * @param c columns per row
   * @param firstLevel first level summed (0 = all)
   * @param lastLevel one past the last level summed ({@code L} = all)
   * @return {@code [B, C, d]} on {@code manager}
   */
  static NDArray gather(NDArray xbar, long[] codes, int c, int levels, int size, int firstLevel, int lastLevel,
      NDManager manager) {
    long b = xbar.getShape().get(0);
    long d = xbar.getShape().get(2);
    int n = lastLevel - firstLevel;
    NDArray flat = xbar.reshape(b * levels * size, d); // [B*L*K, d]
    long[] idx = new long[Math.toIntExact(b * c * n)];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < c; j++) {
        for (int l = firstLevel; l < lastLevel; l++) {
          long code = codes[(i * c + j) * levels + l];
          idx[(i * c + j) * n + (l - firstLevel)] = (long) i * levels * size + (long) l * size + code;
        }
      }
    }
    NDArray e = ResidualQuantizer.rows(flat, Tensors.create(manager, idx, new Shape(b, c, n))); // [B, C, n, d]
    return n == 1 ? e.reshape(b, c, d) : e.sum(new int[] {2}); // [B, C, d]
  }

  /**
   * Items shared by every row: {@code sum_l X_bar[b, l, codes[m, l]]}.
   *
   * @param codes the items' codes, row-major {@code [M, L]}
   * @return {@code [B, M, d]}
   */
  static NDArray gatherShared(NDArray xbar, long[] codes, int levels, int size, NDManager manager) {
    long b = xbar.getShape().get(0);
    int m = codes.length / levels;
    long[] tiled = new long[Math.toIntExact(b * codes.length)];
    for (int i = 0; i < b; i++) {
      System.arraycopy(codes, 0, tiled, i * codes.length, codes.length);
    }
    return gather(xbar, tiled, m, levels, size, 0, levels, manager);
  }
}
