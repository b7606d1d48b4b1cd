package org.towerlab.modules.gnolr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;

/**
 * A GNOLR tower (Zhang et al., "Embed Progressive Implicit Preference in Unified Space for Deep
 * Collaborative Filtering", KDD 2025): one head per ordered feedback level, each an MLP over a
 * shared input, L2-normalized.
 *
 * <pre>
 *   x   = [e_1 || .. || e_n]          [N, F*e]   the side's field embeddings (or base(x): [N, D])
 *   h_k = MLP_k(x)                    [N, d]     k = 1..K, separate weights per level
 *   u_k = h_k / ||h_k||               [N, d]
 *   heads     = [u_1, .., u_K]        [N, K, d]
 *   embedding = [u_1 || .. || u_K]    [N, K*d]   the unified retrieval vector
 * </pre>
 *
 * <p>The embedding of two sides' outputs satisfies {@code U . V = sum_k <u_k, v_k> = sum_k c_k}:
 * one vector per item serves the retrieval of every level (the {@code gnolr} interaction scores a
 * level by the prefix of the first k blocks, scaled per block on the query side when the loss's
 * scales differ). The item embedding is never scaled, so one item index serves every level.
 *
 * <p>With {@code base} the heads read another tower's output vector instead of the field
 * embeddings, so GNOLR's level heads wrap any tower (DAT, HIT, MLP). The base keeps what it adds:
 * its auxiliary losses in {@code encode} and, when it is a {@link Coupling}, its coupling, which this
 * tower forwards with the two sides' base outputs (on a training pass the base output travels in
 * {@link TowerOutput#extras()} under {@value #BASE}{@code *}; the other side's base output when it is
 * a wrapped {@code gnolr} tower too, else that side's own output). Its compatibility checks see the
 * base towers.
 *
 * <p>Parameters: {@code level-<k>.<layer>.weight|bias} for k = 1..K, the field embeddings
 * ({@code emb.<field>}, {@code proj.<field>}) or the base's under {@code base.}.
 */
public final class GnolrTower implements Tower, Coupling, Compatibility {
  /** Prefix of the {@link TowerOutput#extras()} keys that carry the base tower's output while training. */
  public static final String BASE = "gnolr.base.";

  private final GnolrTowerConfig config;
  private final Tower base;
  private final String path;
  private FieldEncoder fields;
  private final List<Mlp> heads = new ArrayList<>();

  /**
   * @param base the built base tower when {@code config.base()} is set, else {@code null}
   * @param path the config path, for messages
   */
  public GnolrTower(GnolrTowerConfig config, Tower base, String path) {
    if ((config.base() == null) != (base == null)) {
      throw new IllegalArgumentException("the base tower must be built exactly when the config has one");
    }
    this.config = config;
    this.base = base;
    this.path = path;
  }

  public GnolrTowerConfig config() {
    return config;
  }

  /** The wrapped tower, or {@code null}. */
  public Tower base() {
    return base;
  }

  @Override
  public void initialize(InitContext ctx) {
    int in;
    if (base != null) {
      base.initialize(ctx.scope("base"));
      long d = base.outputDim();
      if (d <= 0) {
        throw new UserException("The gnolr tower at " + path + " puts its level heads on the output of its base tower ("
            + base.getClass().getSimpleName() + "), which does not state its output width. Use a base tower with an"
            + " output-dim (mlp, dat, hit) or drop " + path + ".base to read the fields directly.");
      }
      in = Math.toIntExact(d);
    } else {
      fields = new FieldEncoder(ctx, config.fields(), config.embeddingDim(), config.initStd(), path);
      in = fields.width();
    }
    for (int k = 1; k <= config.levels(); k++) {
      List<Integer> widths = new ArrayList<>();
      widths.add(in);
      widths.addAll(config.hidden());
      widths.add(config.headDim());
      heads.add(new Mlp(ctx.params(), "level-" + k, widths, config.dropout()));
    }
  }

  @Override
  public long outputDim() {
    return (long) config.levels() * config.headDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    int n = features.size();
    TowerOutput b = base == null ? null : base.encode(features, fwd);
    NDArray x = b == null ? fields.encode(features) : b.embedding(); // [N, in]
    NDList levels = new NDList();
    for (Mlp head : heads) {
      levels.add(head.forward(x, fwd)); // [N, d]
    }
    NDArray h = NDArrays.stack(levels, 1); // [N, K, d]
    NDArray u = unit(h); // [N, K, d]
    NDArray embedding = u.reshape(n, outputDim()); // [N, K*d]
    Map<String, NDArray> extras = b != null && fwd.training() ? pack(b) : Map.of();
    return new TowerOutput(embedding, u, null, null, extras);
  }

  /** {@code h / sqrt(||h||^2 + 1e-12)} over the last axis, differentiable also at zero. */
  static NDArray unit(NDArray h) {
    NDArray norm = h.square().sum(new int[] {-1}, true).add(1e-12f).sqrt(); // [.., 1]
    return h.div(norm);
  }

  /** Forwards the base tower's coupling, on the base outputs of both sides. */
  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    if (!(base instanceof Coupling c)) {
      return;
    }
    c.couple(pairs.mapOutputs(GnolrTower::unpack), fwd);
  }

  /** The base checks the combination with the base towers in place of the wrappers. */
  @Override
  public String incompatibility(Parts parts) {
    if (!(base instanceof Compatibility c)) {
      return null;
    }
    String problem = c.incompatibility(parts.mapTowers(GnolrTower::baseOf));
    return problem == null ? null : "In the base tower of " + path + ": " + problem;
  }

  private static Object baseOf(Object tower) {
    return tower instanceof GnolrTower g && g.base != null ? g.base : tower;
  }

  private static Map<String, NDArray> pack(TowerOutput b) {
    return b.packed(BASE);
  }

  /**
   * The base output a wrapped tower's training output carries, or the output itself when it
   * carries none (a tower that is not a wrapped {@code gnolr} tower).
   */
  public static TowerOutput unpack(TowerOutput out) {
    return TowerOutput.unpacked(out, BASE);
  }

}
