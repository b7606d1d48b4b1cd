package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;

/**
 * TARQ's student score ("RQ-Attention Net"): the user's personalized codebook read at the item's
 * codes,
 *
 * <pre>
 *   h_tilde(u, i) = sum_l X_bar_l(u)[z_l(i)]                 [d]   L gathers
 *   s(u, i)       = &lt;h_tilde(u, i), q_hat(i)&gt; + &lt;v_u, x(i)&gt;     scalar (second term with the backbone)
 * </pre>
 *
 * with {@code q_hat(i) = sum_l C_l[z_l(i)]} the item's quantized query and {@code x(i)} the
 * backbone's item vector: the exact query q ({@code backbone-item: exact}) or q_hat
 * ({@code quantized}). The attention term depends on the item only through its codes (two items
 * with the same codes get the same term for every user); with a quantized backbone, or none, so
 * does the whole score. The readout mirrors the teacher's {@code <h_tar + v_T, q>}
 * ({@link TargetAttention}), and the item side (codes, q_hat, q) is computed once per item: serving
 * stays two-tower, with the personalized codebook computed once per request.
 */
final class TarqInteraction implements Interaction {
  private final int levels;
  private final int size;
  private final boolean backbone;
  private final boolean exact;
  private final long chunk;

  TarqInteraction(TarqModelConfig config) {
    this.levels = config.levels();
    this.size = config.codebookSize();
    this.backbone = config.backbone();
    this.exact = config.backboneItem().equals("exact");
    this.chunk = config.chunk();
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray xbar = queries.heads(); // [B, L*K, d]
    NDArray qhat = items.embedding(); // [M, d]
    long[] codes = items.codes().toLongArray(); // [M * L]
    long b = xbar.getShape().get(0);
    long m = qhat.getShape().get(0);
    long d = qhat.getShape().get(1);
    long rows = Math.max(1, chunk / Math.max(1, m * d * levels));
    NDList parts = new NDList();
    for (long from = 0; from < b; from += rows) {
      long to = Math.min(b, from + rows);
      String r = from + ":" + to;
      NDArray h = PersonalizedCodebook.gatherShared(xbar.get(r), codes, levels, size, fwd.manager()); // [r, M, d]
      NDArray s = h.mul(qhat.expandDims(0)).sum(new int[] {2}); // [r, M]
      if (backbone) {
        s = s.add(queries.embedding().get(r).matMul(backboneItems(items).transpose())); // [r, M], <v_u, x>
      }
      parts.add(s);
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray xbar = queries.heads(); // [B, L*K, d]
    long b = xbar.getShape().get(0);
    long d = xbar.getShape().get(2);
    NDArray qhat = items.embedding().reshape(b, k, d); // [B, K, d]
    NDArray h = PersonalizedCodebook.gather(xbar, items.codes().toLongArray(), k, levels, size, 0, levels,
        fwd.manager()); // [B, K, d]
    NDArray s = h.mul(qhat).sum(new int[] {2}); // [B, K]
    if (backbone) {
      NDArray x = backboneItems(items).reshape(b, k, d); // [B, K, d]
      s = s.add(x.mul(queries.embedding().expandDims(1)).sum(new int[] {2})); // [B, K], <v_u, x>
    }
    return s;
  }

  /** The backbone's item vectors {@code [M, d]}: the exact query q or the quantized q_hat. */
  private NDArray backboneItems(TowerOutput items) {
    return exact ? items.extras().get(TarqItemTower.QUERY) : items.embedding();
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /**
   * Per candidate: summing L gathered vectors ({@code (L-1) d}), the attention term's dot product
   * ({@code 2 d}) and the backbone's ({@code 2 d}). The personalized codebook (L*K attention
   * queries) is a per-request cost, outside this count; the measured time per 1,000 candidates
   * includes it.
   */
  @Override
  public long flopsPerPair(long dim) {
    return (levels - 1) * dim + 2 * dim + (backbone ? 2 * dim : 0);
  }
}
