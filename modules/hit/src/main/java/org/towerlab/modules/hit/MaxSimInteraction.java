package org.towerlab.modules.hit;

import ai.djl.ndarray.NDArray;
import java.util.concurrent.atomic.AtomicLong;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * HIT's fine-grained matching (the ColBERT/IntTower MaxSim): with the query heads
 * {@code R_q [H, d]} and the item heads {@code R_a [H', d]},
 * {@code s(q, a) = (sum_{i=1..H} max_{j=1..H'} <R_q[i], R_a[j]>) / tau}.
 *
 * <p>Heads come from {@link TowerOutput#heads()}; a tower without heads (the baseline {@code mlp})
 * counts as one head, its embedding, so with one head on both sides the score is the dot product
 * (or, with {@code normalize}, the cosine divided by the temperature: the baseline {@code cosine}).
 * The score is invariant to permuting the heads on either side. Decomposable: the item heads are
 * computed without the query and cached. Cost per pair: {@code H * H'} dot products of width d.
 *
 * <p>Yang et al., "HIT: Hierarchical Interaction-Enhanced Two-Tower Model for Pre-Ranking Systems",
 * CIKM 2025 (arXiv 2505.19849).
 */
public final class MaxSimInteraction implements Interaction {
  private final boolean normalize;
  private final float temperature;
  /** Head count of the last scored item output, for {@link #flopsPerPair} (which receives only the width). */
  private final AtomicLong lastHeads = new AtomicLong(1);

  public MaxSimInteraction(MaxSimInteractionConfig config) {
    this.normalize = config.normalize();
    this.temperature = config.temperature().floatValue();
  }

  /** The heads {@code [N, H, d]} of an output; a head-less output is one head, its embedding. */
  NDArray heads(TowerOutput out, Forward fwd) {
    NDArray h = out.heads() != null ? out.heads() : out.embedding().expandDims(1); // [N, H, d]
    if (!normalize) {
      return h;
    }
    NDArray norm = h.square().sum(new int[] {-1}, true)
        .add(Tensors.scalar(fwd.manager(), 1e-12f)).sqrt(); // [N, H, 1]
    return h.div(norm); // [N, H, d]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray q = heads(queries, fwd); // [B, H, d]
    NDArray v = heads(items, fwd); // [M, H', d]
    long b = q.getShape().get(0);
    long h = q.getShape().get(1);
    long m = v.getShape().get(0);
    long h2 = v.getShape().get(1);
    long d = checkWidth(q, v);
    lastHeads.set(h2);
    NDArray sim = q.reshape(b * h, d).matMul(v.reshape(m * h2, d).transpose()); // [B*H, M*H']
    NDArray s = sim.reshape(b, h, m, h2).max(new int[] {3}).sum(new int[] {1}); // [B, M]
    return scale(s, fwd);
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray q = heads(queries, fwd); // [B, H, d]
    NDArray v = heads(items, fwd); // [B*K, H', d]
    long b = q.getShape().get(0);
    long h = q.getShape().get(1);
    long h2 = v.getShape().get(1);
    long d = checkWidth(q, v);
    lastHeads.set(h2);
    NDArray vb = v.reshape(b, k * h2, d).transpose(0, 2, 1); // [B, d, K*H']
    NDArray sim = q.batchMatMul(vb); // [B, H, K*H']
    NDArray s = sim.reshape(b, h, k, h2).max(new int[] {3}).sum(new int[] {1}); // [B, K]
    return scale(s, fwd);
  }

  private NDArray scale(NDArray s, Forward fwd) {
    return temperature == 1f ? s : s.div(Tensors.scalar(fwd.manager(), temperature));
  }

  private static long checkWidth(NDArray q, NDArray v) {
    long d = q.getShape().get(2);
    if (v.getShape().get(2) != d) {
      throw new IllegalArgumentException("max-sim needs heads of the same width on both sides, got query heads "
          + q.getShape() + " and item heads " + v.getShape()
          + "; set the towers' head-dim (or output-dim) to the same value");
    }
    return d;
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /**
   * {@code H * H'} dot products of width {@code d = dim / H'}, {@code H (H' - 1)} comparisons and
   * {@code H - 1} additions; H is taken equal to H', the head count of the last scored item output
   * (the interface passes only the cached width).
   */
  @Override
  public long flopsPerPair(long dim) {
    long h = lastHeads.get();
    return 2 * h * dim + h * h - 1;
  }
}
