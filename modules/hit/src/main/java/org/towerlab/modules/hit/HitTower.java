package org.towerlab.modules.hit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Dropout;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Tensors;

/**
 * One side of HIT (Yang et al., "HIT: Hierarchical Interaction-Enhanced Two-Tower Model for
 * Pre-Ranking Systems", CIKM 2025, arXiv 2505.19849): coarse-grained generation, then a multi-head
 * representer.
 *
 * <pre>
 * x        = FieldEncoder(fields)                         [N, F*e]
 * x_gen    = sg(x restricted to generator-fields)          [N, G*e]   stop-gradient 1
 * rm_T     = g_T(x_gen), rm_N = g_N(x_gen)                [N, p]     p = heads * head-dim
 * z        = [x || sg(rm_T) || sg(rm_N)]                   [N, F*e + 2p]  stop-gradient 2
 * h        = relu(MLP(z))                                  [N, output-dim]
 * R        = reshape(W h + b, [N, H, d])                   [N, H, d]
 * </pre>
 *
 * The generators ({@code g}: MLP with {@code generator-hidden} widths to p, ReLU after the last layer
 * too when {@code generator-output-relu}) guess the OTHER side's flattened representation: the target
 * generator that of clicked pairs, the non-target generator that of unclicked pairs. Their loss is
 * computed in {@link #couple} against the other tower's representation under stop-gradient 3:
 *
 * <pre>
 * L_T = mean_pairs  y  (1 - cos(rm_T, sg(vec R_other)))
 * L_N = mean_pairs (1-y)(1 - cos(rm_N, sg(vec R_other)))
 * aux "hit-generation-query|item" = generation-weight * (L_T + L_N)
 * </pre>
 *
 * so the generation loss trains only the generators and the main loss never reaches them. The tower
 * reads only its own side, so the item side stays precomputable.
 *
 * <p>Output: {@code heads} = R {@code [N, H, d]}; {@code embedding} = vec R {@code [N, H*d]} (the
 * flattened heads, which is what the generators mimic; dot of two embeddings = sum of aligned head
 * dots); extras {@value #TARGET} and {@value #NON_TARGET} (the generator outputs {@code [N, p]}) and
 * {@value #IDS} (the entity ids, int64 {@code [N]}, used to mask accidental positives among the
 * in-batch negative pairs).
 */
public final class HitTower implements Tower, Coupling, org.towerlab.api.Compatibility {
  /** Extras key of the target generator's output {@code [N, p]}. */
  public static final String TARGET = "hit.target";
  /** Extras key of the non-target generator's output {@code [N, p]}. */
  public static final String NON_TARGET = "hit.non-target";
  /** Extras key of the entity ids, int64 {@code [N]}. */
  public static final String IDS = "hit.ids";

  private final HitTowerConfig config;
  private final String path;
  private Side side;
  private FieldEncoder fields;
  private int[] generatorColumns; // [from, to) column ranges of x, two ints per generator field
  private Mlp generatorTarget;
  private Mlp generatorNonTarget;
  private Mlp mlp;
  private Linear representer;

  public HitTower(HitTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public HitTowerConfig config() {
    return config;
  }

  @Override
  public void initialize(InitContext ctx) {
    side = ctx.side();
    int e = config.embeddingDim();
    fields = new FieldEncoder(ctx, config.fields(), e, config.initStd(), path);
    List<FieldSpec> used = fields.fields();
    List<String> names = used.stream().map(FieldSpec::name).toList();
    List<String> gen = config.generatorFields() != null ? config.generatorFields()
        : used.stream().filter(f -> f.kind() != FieldKind.SEQUENCE).map(FieldSpec::name).toList();
    if (gen.isEmpty()) {
      throw new UserException("The HIT tower at " + path + " has no static field for its generators (its fields "
          + names + " are all sequences). Set " + path + ".generator-fields to some of the side's static fields.");
    }
    generatorColumns = new int[2 * gen.size()];
    for (int i = 0; i < gen.size(); i++) {
      int at = names.indexOf(gen.get(i));
      if (at < 0) {
        throw new UserException("Unknown generator field '" + gen.get(i) + "' at " + path + ".generator-fields: the "
            + "generators read the tower's own embeddings, and this tower reads " + names + ". Use some of those, or "
            + "add the field to " + path + ".fields.");
      }
      generatorColumns[2 * i] = at * e;
      generatorColumns[2 * i + 1] = (at + 1) * e;
    }
    int p = config.representationDim();
    List<Integer> gw = new ArrayList<>();
    gw.add(gen.size() * e);
    gw.addAll(config.generatorHidden());
    gw.add(p);
    generatorTarget = new Mlp(ctx.params(), "generator-target", gw, config.dropout());
    generatorNonTarget = new Mlp(ctx.params(), "generator-non-target", gw, config.dropout());
    List<Integer> widths = new ArrayList<>();
    widths.add(fields.width() + 2 * p);
    widths.addAll(config.hidden());
    widths.add(config.outputDim());
    mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
    representer = new Linear(ctx.params(), "representer", config.outputDim(), p, true);
  }

  @Override
  public long outputDim() {
    return (long) config.heads() * config.headDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    int n = features.size();
    NDArray x = fields.encode(features); // [N, F*e]
    NDArray xGen = generatorInput(x).stopGradient(); // [N, G*e], stop-gradient 1
    NDArray rmT = generate(generatorTarget, xGen, fwd); // [N, p]
    NDArray rmN = generate(generatorNonTarget, xGen, fwd); // [N, p]
    NDArray z = NDArrays.concat(new NDList(x, rmT.stopGradient(), rmN.stopGradient()), 1); // [N, F*e + 2p], sg 2
    NDArray h = Activation.relu(mlp.forward(z, fwd)); // [N, output-dim]
    if (fwd.training() && config.dropout() > 0) {
      h = Dropout.apply(h, config.dropout(), fwd); // [N, output-dim]
    }
    NDArray flat = representer.forward(h); // [N, H*d]
    NDArray heads = flat.reshape(n, config.heads(), config.headDim()); // [N, H, d]
    return new TowerOutput(flat, heads, null, null,
        Map.of(TARGET, rmT, NON_TARGET, rmN, IDS, features.idTensor()));
  }

  private NDArray generatorInput(NDArray x) {
    if (generatorColumns.length == 2 && generatorColumns[0] == 0 && generatorColumns[1] == x.getShape().get(1)) {
      return x;
    }
    NDList parts = new NDList();
    for (int i = 0; i < generatorColumns.length; i += 2) {
      parts.add(x.get(":, " + generatorColumns[i] + ":" + generatorColumns[i + 1])); // [N, e]
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [N, G*e]
  }

  private NDArray generate(Mlp g, NDArray xGen, Forward fwd) {
    NDArray out = g.forward(xGen, fwd); // [N, p]
    return config.generatorOutputRelu() ? Activation.relu(out) : out;
  }

  /**
   * The generation loss of this side's generators against {@code sg(vec R_other)}: pairs are the
   * batch rows (label {@code positive}) plus, with {@code in-batch-negatives}, the unclicked pairs
   * (query i, item i + 1) (mod B), minus those whose query or item equals row i's (an accidental
   * positive). Adds {@code generation-weight * (L_T + L_N)} as {@code hit-generation-<side>}.
   */
  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    couple(pairs.self(), pairs.other(), pairs.labels(), fwd);
  }

  /** The coupling on (self, other) rows with their labels. */
  public void couple(TowerOutput self, TowerOutput other, Map<String, NDArray> labels, Forward fwd) {
    NDManager m = fwd.manager();
    NDArray rmT = self.extras().get(TARGET); // [B, p]
    NDArray rmN = self.extras().get(NON_TARGET); // [B, p]
    NDArray target = representation(other).stopGradient(); // [B, p], stop-gradient 3
    int b = Math.toIntExact(rmT.getShape().get(0));
    NDArray y = labels.get("positive"); // [B]
    if (y == null) {
      y = Tensors.create(m, ones(b)); // [B]
    }
    NDArray valid = Tensors.create(m, ones(b)); // [B]
    if (config.inBatchNegatives() && b >= 2) {
      boolean query = side == Side.QUERY;
      // query row i pairs with item row i+1; item row j pairs with query row j-1: the same pairs
      NDArray shifted = query
          ? NDArrays.concat(new NDList(target.get("1:"), target.get(":1")), 0) // [B, p], row i -> i+1
          : NDArrays.concat(new NDList(target.get("-1:"), target.get(":-1")), 0); // [B, p], row j -> j-1
      float[] mask = shiftedMask(query ? self : other, query ? other : self, b, query);
      rmT = NDArrays.concat(new NDList(rmT, rmT), 0); // [2B, p]
      rmN = NDArrays.concat(new NDList(rmN, rmN), 0); // [2B, p]
      target = NDArrays.concat(new NDList(target, shifted), 0); // [2B, p]
      y = NDArrays.concat(new NDList(y, Tensors.create(m, new float[b])), 0); // [2B]
      valid = NDArrays.concat(new NDList(valid, Tensors.create(m, mask)), 0); // [2B]
    }
    NDArray one = Tensors.scalar(m, 1f);
    NDArray lossT = y.mul(valid).mul(distance(rmT, target, m)).mean(); // []
    NDArray lossN = y.neg().add(one).mul(valid).mul(distance(rmN, target, m)).mean(); // []
    String name = "hit-generation-" + side.name().toLowerCase();
    fwd.addAuxLoss(name, lossT.add(lossN).mul(Tensors.scalar(m, config.generationWeight().floatValue())));
  }

  /** The flattened representation {@code [N, H*d]} of an output (its embedding if it has no heads). */
  private NDArray representation(TowerOutput out) {
    NDArray r = out.heads() == null ? out.embedding()
        : out.heads().reshape(out.heads().getShape().get(0), -1); // [N, H*d]
    if (r.getShape().get(1) != config.representationDim()) {
      throw new UserException("The HIT generators at " + path + " produce vectors of width "
          + config.representationDim() + " (heads * head-dim) but the other tower's representation has width "
          + r.getShape().get(1) + ". Make the other tower's heads * head-dim (or output-dim) equal to "
          + config.representationDim() + ".");
    }
    return r;
  }

  /** {@code 1 - cos(a, b)} per row (the paper), or {@code cos(a, b)} (the official code's sign). */
  private NDArray distance(NDArray a, NDArray b, NDManager m) {
    NDArray eps = Tensors.scalar(m, 1e-12f);
    NDArray dot = a.mul(b).sum(new int[] {1}); // [P]
    NDArray na = a.square().sum(new int[] {1}).add(eps).sqrt(); // [P]
    NDArray nb = b.square().sum(new int[] {1}).add(eps).sqrt(); // [P]
    NDArray cos = dot.div(na.mul(nb)); // [P]
    return "official-cos".equals(config.generationLoss()) ? cos : cos.neg().add(Tensors.scalar(m, 1f));
  }

  /**
   * 1 where the in-batch pair of this side's row is a real negative, 0 where it is an accidental
   * positive (same query or same item in rows i and i + 1). Ids come from the HIT towers' extras; a
   * side without them is not checked.
   */
  private static float[] shiftedMask(TowerOutput queries, TowerOutput items, int b, boolean querySide) {
    long[] q = queries.extras().containsKey(IDS) ? queries.extras().get(IDS).toLongArray() : null;
    long[] a = items.extras().containsKey(IDS) ? items.extras().get(IDS).toLongArray() : null;
    float[] mask = new float[b];
    for (int row = 0; row < b; row++) {
      int i = querySide ? row : (row - 1 + b) % b; // the pair (query i, item i + 1)
      int next = (i + 1) % b;
      boolean hit = (q != null && q[i] == q[next]) || (a != null && a[i] == a[next]);
      mask[row] = hit ? 0f : 1f;
    }
    return mask;
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  /**
   * The generators learn to reproduce the other tower's representation of width
   * {@code heads * head-dim}: the other tower must be a {@code hit} tower of the same width.
   */
  @Override
  public String incompatibility(Parts parts) {
    Object other = parts.queryTower() == this ? parts.itemTower() : parts.queryTower();
    if (!(other instanceof HitTower h)) {
      return "The hit tower's generators mimic the other tower's multi-head representation, but the other tower is "
          + (other == null ? "missing" : "'" + other.getClass().getSimpleName() + "'")
          + ": use {type: hit} for both model.query-tower and model.item-tower.";
    }
    int mine = config.heads() * config.headDim();
    int theirs = h.config.heads() * h.config.headDim();
    if (mine != theirs) {
      return "The hit towers differ in width (heads x head-dim: " + mine + " vs " + theirs
          + "); each side's generators must produce the other side's width: make heads and head-dim equal.";
    }
    return null;
  }
}
