package org.towerlab.modules.gnolr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.towerlab.api.Compatibility;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.MultiTask;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * GNOLR's scores from the unified space (Zhang et al., KDD 2025): the level-k score of a pair is
 * the nested logit without its threshold,
 *
 * <pre>
 *   c_i  = &lt;u_i, v_i&gt;                       level cosines of the L2-normalized heads [.., K, d]
 *   z_k  = sum_{i&lt;=k} S_i c_i = Q_k . V        Q_k = [S_1 u_1 || .. || S_k u_k || 0 || .. || 0]
 *                                             V   = [v_1 || .. || v_K], the item's unified vector
 * </pre>
 *
 * which ranks exactly as {@code P(y >= k) = sigmoid(z_k - a_k)} (the thresholds are constants). The
 * tasks ({@link MultiTask}) are the levels, so an evaluator with {@code task: like} ranks by
 * {@code z_like}. Every level is a dot product with the same item vector V: one item index serves
 * every level, the query side choosing the level by its prefix ({@link #levelQuery}).
 *
 * <p>The primary score ({@link #scoreAll(TowerOutput, TowerOutput, Forward)}, what losses other than
 * {@code gnolr} and evaluators without {@code task:} use) is the deepest level's {@code z_K}: with
 * equal scales it is {@code S * (U . V)}, the unified dot product, and it is the ranking the paper
 * retrieves with (its KuaiRand recall of both levels uses the full unified vector).
 *
 * <p>Heads are read from {@link TowerOutput#heads()} ({@code [N, K, d]}, the {@code gnolr} tower's)
 * and normalized again here, which is the identity on unit heads and keeps {@code |c_i| <= 1}, the
 * premise of the loss's guard. Cost per pair: a dot product of width {@code K * d}; the item side is
 * precomputable.
 */
public final class GnolrInteraction implements Interaction, MultiTask, Compatibility {
  private final List<String> levels;
  private final float[] scales;
  private final boolean unitScales;

  public GnolrInteraction(GnolrInteractionConfig config) {
    this.levels = config.levels();
    List<Double> s = config.effectiveScales();
    this.scales = new float[s.size()];
    boolean ones = true;
    for (int i = 0; i < scales.length; i++) {
      scales[i] = s.get(i).floatValue();
      ones &= scales[i] == 1f;
    }
    this.unitScales = ones;
  }

  /** The level names, shallowest first. */
  public List<String> levels() {
    return levels;
  }

  /** The scales {@code S_k} the levels are scored with (all 1 when the config sets none). */
  public float[] scales() {
    return scales.clone();
  }

  @Override
  public List<String> tasks() {
    return levels;
  }

  /** The unit heads {@code [N, K, d]} of an output. */
  NDArray heads(TowerOutput out) {
    NDArray h = out.heads();
    if (h == null || h.getShape().dimension() != 3 || h.getShape().get(1) != levels.size()) {
      throw new IllegalArgumentException("the gnolr interaction scores " + levels.size() + " level heads [N, "
          + levels.size() + ", d], got " + (h == null ? "an output without heads" : "heads " + h.getShape())
          + "; use gnolr towers with levels: " + levels.size());
    }
    return GnolrTower.unit(h);
  }

  private int level(String task) {
    int i = levels.indexOf(task);
    if (i < 0) {
      throw new IllegalArgumentException("unknown level '" + task + "'; the levels are " + levels);
    }
    return i + 1;
  }

  /** The first {@code t} query heads scaled by {@code S_1..S_t}, flattened: {@code [B, t*d]}. */
  private NDArray queryPrefix(TowerOutput queries, int t, Forward fwd) {
    NDArray u = heads(queries); // [B, K, d]
    long b = u.getShape().get(0);
    long d = u.getShape().get(2);
    NDArray p = t == levels.size() ? u : u.get(":, 0:" + t + ", :"); // [B, t, d]
    if (!unitScales) {
      float[] s = java.util.Arrays.copyOf(scales, t);
      p = p.mul(Tensors.create(fwd.manager(), s, new Shape(1, t, 1))); // [B, t, d]
    }
    return p.reshape(b, t * d);
  }

  /** The first {@code t} item heads, flattened: {@code [M, t*d]}. */
  private NDArray itemPrefix(TowerOutput items, int t) {
    NDArray v = heads(items); // [M, K, d]
    long m = v.getShape().get(0);
    long d = v.getShape().get(2);
    NDArray p = t == levels.size() ? v : v.get(":, 0:" + t + ", :"); // [M, t, d]
    return p.reshape(m, t * d);
  }

  private NDArray all(TowerOutput queries, TowerOutput items, int t, Forward fwd) {
    NDArray q = queryPrefix(queries, t, fwd); // [B, t*d]
    NDArray v = itemPrefix(items, t); // [M, t*d]
    return q.matMul(v.transpose()); // [B, M]
  }

  private NDArray paired(TowerOutput queries, TowerOutput items, int k, int t, Forward fwd) {
    NDArray q = queryPrefix(queries, t, fwd); // [B, t*d]
    long b = q.getShape().get(0);
    NDArray v = itemPrefix(items, t).reshape(b, k, q.getShape().get(1)); // [B, k, t*d]
    return v.mul(q.expandDims(1)).sum(new int[] {2}); // [B, k]
  }

  /** The deepest level's {@code z_K}: {@code [B, M]}. */
  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return all(queries, items, levels.size(), fwd);
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return paired(queries, items, k, levels.size(), fwd);
  }

  /** {@code z_t} of the level named {@code task}: {@code [B, M]}. */
  @Override
  public NDArray scoreAll(String task, TowerOutput queries, TowerOutput items, Forward fwd) {
    return all(queries, items, level(task), fwd);
  }

  @Override
  public NDArray scorePaired(String task, TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return paired(queries, items, k, level(task), fwd);
  }

  /**
   * The query vector of one level in the unified space, {@code [B, K*d]}:
   * {@code [S_1 u_1 || .. || S_t u_t || 0 || .. || 0]}. Its dot product with an item's unified
   * vector (the {@code gnolr} tower's embedding) is the level's score, so an ANN index over the
   * item embeddings serves every level.
   */
  public NDArray levelQuery(TowerOutput queries, String task, Forward fwd) {
    int t = level(task);
    NDArray q = queryPrefix(queries, t, fwd); // [B, t*d]
    int k = levels.size();
    if (t == k) {
      return q;
    }
    long b = q.getShape().get(0);
    long d = q.getShape().get(1) / t;
    NDArray zeros = fwd.manager().zeros(new Shape(b, (k - t) * d)); // [B, (K-t)*d]
    return NDArrays.concat(new NDList(q, zeros), 1); // [B, K*d]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /** A dot product of width {@code K * d} (the query's scaling is per query, not per pair). */
  @Override
  public long flopsPerPair(long dim) {
    return 2 * dim;
  }

  /**
   * Both towers must be {@code gnolr} towers with one head per level and the same head width.
   */
  @Override
  public String incompatibility(Parts parts) {
    String[] names = {"model.query-tower", "model.item-tower"};
    Object[] towers = {parts.queryTower(), parts.itemTower()};
    int[] widths = new int[2];
    for (int i = 0; i < 2; i++) {
      if (!(towers[i] instanceof GnolrTower g)) {
        return "The gnolr interaction scores the level heads of gnolr towers, but " + names[i] + " is '"
            + (towers[i] == null ? "missing" : towers[i].getClass().getSimpleName()) + "'. Use {type: gnolr, levels: "
            + levels.size() + "} there (with base: {type: ...} to keep that tower under the level heads).";
      }
      if (g.config().levels() != levels.size()) {
        return "The gnolr interaction has " + levels.size() + " levels " + levels + " but " + names[i] + " has "
            + g.config().levels() + " heads. Set " + names[i] + ".levels to " + levels.size() + ".";
      }
      widths[i] = g.config().headDim();
    }
    if (widths[0] != widths[1]) {
      return "The gnolr towers' heads differ in width (head-dim " + widths[0] + " vs " + widths[1]
          + "); the level cosines need the same head-dim on both sides.";
    }
    return null;
  }
}
