package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.towerlab.api.Compatibility;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;

/**
 * IntTower's FE-Block score (Li et al., "IntTower: the Next Generation of Two-Tower Model for
 * Pre-Ranking System", CIKM 2022): multi-head, fine-grained, early interaction between every user
 * layer's projection {@code M_u^l [H, d]} and the item's last-layer projection {@code M_v [H', d]},
 *
 * <pre>
 * s(u, v) = ( sum_{l=1..L} sum_{a=1..H} max_{b=1..H'} &lt;M_u^l[a], M_v[b]&gt; ) / tau + b0
 * </pre>
 *
 * (official {@code fe_score}; {@code tau = 1}, {@code b0} the prediction layer's bias). The user
 * layers come from {@link TowerOutput#layers()} (each {@code [N, H*d]}, cut into heads of the item's
 * head width d); a query output without layers is one layer (its heads, or its embedding as one
 * head), and an item output without heads is one head (its embedding). So with H = H' = 1 and one
 * layer the score is the dot product of the embeddings (plus b0). Since the sum runs over layers
 * and user heads alike, the L layers act as L*H query heads of one MaxSim; the score is invariant
 * to permuting the item heads.
 *
 * <p>The item side is computed without the user and cached ({@link #itemSidePrecomputable()});
 * scoring a pair costs {@code L*H*H'} dot products of width d ({@link #flopsPerPair(TowerOutput,
 * TowerOutput)}). {@code scoreAll} works in chunks of at most {@code chunk} head similarities.
 */
public final class FeBlockInteraction implements Interaction, Parameterized, Compatibility {
  private final FeBlockInteractionConfig config;
  private NDArray bias; // [1], or null

  public FeBlockInteraction(FeBlockInteractionConfig config) {
    this.config = config;
  }

  @Override
  public void initialize(InitContext ctx) {
    bias = config.bias() ? ctx.params().create("bias", new Shape(1), Init.zeros()) : null;
  }

  /** The item heads {@code [M, H', d]}: the output's heads, or its embedding as one head. */
  NDArray itemHeads(TowerOutput items, Forward fwd) {
    NDArray v = items.heads() != null ? items.heads() : items.embedding().expandDims(1); // [M, H', d]
    return normalize(v, fwd);
  }

  /**
   * The user's layers cut into heads of width d and stacked, {@code [N, L*H, d]}: every layer of
   * {@link TowerOutput#layers()}, or, without layers, the heads (or the embedding as one head).
   */
  NDArray queryHeads(TowerOutput queries, long d, Forward fwd) {
    List<NDArray> layers = queries.layers();
    NDArray q;
    if (layers == null || layers.isEmpty()) {
      q = queries.heads() != null ? queries.heads() : split(queries.embedding(), d); // [N, H, d]
    } else {
      NDList parts = new NDList();
      for (NDArray layer : layers) {
        parts.add(split(layer, d)); // [N, H_l, d]
      }
      q = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [N, L*H, d]
    }
    if (q.getShape().get(2) != d) {
      throw new IllegalArgumentException("fe-block needs heads of the same width on both sides, got query heads "
          + q.getShape() + " and item heads of width " + d + "; set both towers' head-dim to the same value");
    }
    return normalize(q, fwd);
  }

  private static NDArray split(NDArray flat, long d) {
    long w = flat.getShape().get(flat.getShape().dimension() - 1);
    if (flat.getShape().dimension() != 2 || w % d != 0) {
      throw new IllegalArgumentException("fe-block cuts each user layer into heads of the item's head width " + d
          + ", but a layer has shape " + flat.getShape() + "; set both towers' head-dim to the same value");
    }
    return flat.reshape(flat.getShape().get(0), w / d, d); // [N, W/d, d]
  }

  private NDArray normalize(NDArray h, Forward fwd) {
    if (!config.normalize()) {
      return h;
    }
    NDArray norm = h.square().sum(new int[] {-1}, true).add(Tensors.scalar(fwd.manager(), 1e-12f)).sqrt(); // [N, H, 1]
    return h.div(norm); // [N, H, d]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray v = itemHeads(items, fwd); // [M, H', d]
    long d = v.getShape().get(2);
    NDArray q = queryHeads(queries, d, fwd); // [B, LH, d]
    long b = q.getShape().get(0);
    long lh = q.getShape().get(1);
    long m = v.getShape().get(0);
    long h2 = v.getShape().get(1);
    long perPair = lh * h2;
    long itemsPerChunk = Math.max(1, Math.min(m, config.chunk() / perPair));
    long rowsPerChunk = Math.max(1, config.chunk() / (perPair * itemsPerChunk));
    NDList rows = new NDList();
    for (long r0 = 0; r0 < b; r0 += rowsPerChunk) {
      long r1 = Math.min(b, r0 + rowsPerChunk);
      NDArray qs = (r0 == 0 && r1 == b ? q : q.get(r0 + ":" + r1)).reshape((r1 - r0) * lh, d); // [r*LH, d]
      NDList cols = new NDList();
      for (long c0 = 0; c0 < m; c0 += itemsPerChunk) {
        long c1 = Math.min(m, c0 + itemsPerChunk);
        NDArray vs = (c0 == 0 && c1 == m ? v : v.get(c0 + ":" + c1)).reshape((c1 - c0) * h2, d); // [c*H', d]
        NDArray sim = qs.matMul(vs.transpose()); // [r*LH, c*H']
        cols.add(sim.reshape(r1 - r0, lh, c1 - c0, h2).max(new int[] {3}).sum(new int[] {1})); // [r, c]
      }
      rows.add(cols.size() == 1 ? cols.get(0) : NDArrays.concat(cols, 1)); // [r, M]
    }
    NDArray s = rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0); // [B, M]
    return finish(s, fwd);
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray v = itemHeads(items, fwd); // [B*K, H', d]
    long d = v.getShape().get(2);
    NDArray q = queryHeads(queries, d, fwd); // [B, LH, d]
    long b = q.getShape().get(0);
    long lh = q.getShape().get(1);
    long h2 = v.getShape().get(1);
    NDArray vb = v.reshape(b, k * h2, d).transpose(0, 2, 1); // [B, d, K*H']
    NDArray sim = q.batchMatMul(vb); // [B, LH, K*H']
    NDArray s = sim.reshape(b, lh, k, h2).max(new int[] {3}).sum(new int[] {1}); // [B, K]
    return finish(s, fwd);
  }

  private NDArray finish(NDArray s, Forward fwd) {
    NDArray out = config.temperature() == 1.0 ? s
        : s.div(Tensors.scalar(fwd.manager(), config.temperature().floatValue())); // [B, M]
    return bias == null ? out : out.add(bias); // [B, M]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /** One layer, one head on each side: a dot product of width {@code dim} (plus bias and temperature). */
  @Override
  public long flopsPerPair(long dim) {
    return 2 * dim + extra();
  }

  /**
   * {@code L*H*H'} dot products of width d ({@code 2d} each), {@code L*H (H' - 1)} comparisons for
   * the maxima, {@code L*H - 1} additions, plus the temperature and the bias.
   */
  @Override
  public long flopsPerPair(TowerOutput queries, TowerOutput items) {
    long h2;
    long d;
    if (items.heads() != null) {
      h2 = items.heads().getShape().get(1);
      d = items.heads().getShape().get(2);
    } else {
      h2 = 1;
      d = items.dim();
    }
    long lh = 0;
    if (queries.layers() != null && !queries.layers().isEmpty()) {
      for (NDArray layer : queries.layers()) {
        lh += layer.getShape().get(1) / d;
      }
    } else if (queries.heads() != null) {
      lh = queries.heads().getShape().get(1);
    } else {
      lh = queries.dim() / d;
    }
    return lh * h2 * 2 * d + lh * (h2 - 1) + (lh - 1) + extra();
  }

  private long extra() {
    return (config.temperature() == 1.0 ? 0 : 1) + (config.bias() ? 1 : 0);
  }

  /** The FE-Block cuts user layers into heads of the item's head width: equal head-dim on both sides. */
  @Override
  public String incompatibility(Parts parts) {
    if (parts.queryTower() instanceof IntTowerUserTower u && parts.itemTower() instanceof IntTowerItemTower i
        && !u.config().headDim().equals(i.config().headDim())) {
      return "The fe-block interaction matches user heads against item heads of the same width, but the towers' "
          + "head-dim differ (query " + u.config().headDim() + ", item " + i.config().headDim()
          + "): set model.query-tower.head-dim and model.item-tower.head-dim to the same value.";
    }
    return null;
  }
}
