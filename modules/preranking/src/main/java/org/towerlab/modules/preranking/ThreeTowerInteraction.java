package org.towerlab.modules.preranking;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Mlp;

/**
 * The three-tower score: the two-tower interaction plus a third tower over cross features,
 * <pre>
 *   s(q, i) = base(q, i) + MLP_pair( [ log(1 + c_p(q, i)), c_p(q, i) / (1 + n_p(q)) ]_p )
 * </pre>
 * where for each pair input p, {@code c_p(q, i)} is the query's engagement count with the item's
 * key value (the item's column of the query's pair field; the mean over the values of a
 * multi-categorical key) and {@code n_p(q)} the sum of the query's row (its engagements counted
 * per key value). The counts come from training positives strictly before the example time
 * ({@link FieldKind#PAIR}); they carry no gradient, the MLP and both towers do. The cross features
 * are a gather of the query's row by the item's cached key, so the item side is precomputable when
 * the base interaction's is, and the extra cost per pair is the gathers and the small MLP.
 */
public final class ThreeTowerInteraction implements Interaction, Parameterized {
  private static final int FEATURES = 2;
  private final Interaction base;
  private final List<String> requested;
  private final List<Integer> hidden;
  private List<PairInput> inputs;
  private Mlp mlp;
  private List<Integer> widths;

  /**
   * @param inputs the cross features, or {@code null} to take them from the data set's schema at
   *     {@link #initialize} (the pair fields named in {@code requested}, or all of them)
   */
  ThreeTowerInteraction(Interaction base, List<PairInput> inputs, List<String> requested, List<Integer> hidden) {
    this.base = base;
    this.inputs = inputs == null ? null : List.copyOf(inputs);
    this.requested = requested;
    this.hidden = List.copyOf(hidden);
  }

  /** The pair inputs of a schema: its query-side pair fields ({@code requested} ones, or all). */
  static List<PairInput> inputs(Schema schema, List<String> requested, String dataset) {
    List<FieldSpec> pairs = schema.side(Side.QUERY).stream().filter(f -> f.kind() == FieldKind.PAIR).toList();
    if (pairs.isEmpty()) {
      throw new UserException("The three-tower model's cross tower reads pair fields, but data set '" + dataset
          + "' declares none. Add pair-counts to the data section, for example data.pair-counts: [category]"
          + " (the user's engagement counts per item category, from training positives before each example).");
    }
    List<PairInput> out = new ArrayList<>();
    for (String name : requested == null ? pairs.stream().map(FieldSpec::name).toList() : requested) {
      FieldSpec f = pairs.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new UserException(
          "model.pair-fields: '" + name + "' is not a pair field of data set '" + dataset + "'; its pair fields are "
              + pairs.stream().map(FieldSpec::name).toList() + "."));
      FieldSpec key = schema.field(Side.ITEM, f.key()).orElseThrow();
      out.add(new PairInput(f.name(), f.key(), f.dim(), key.kind() == FieldKind.MULTI_CATEGORICAL));
    }
    return out;
  }

  List<PairInput> pairInputs() {
    return inputs;
  }

  @Override
  public void initialize(InitContext ctx) {
    if (inputs == null) {
      inputs = inputs(ctx.dataset().schema(), requested, ctx.dataset().name());
    }
    if (base instanceof Parameterized p) {
      p.initialize(ctx);
    }
    widths = new ArrayList<>();
    widths.add(FEATURES * inputs.size());
    widths.addAll(hidden);
    widths.add(1);
    mlp = new Mlp(ctx.params().scope("pair-tower"), "mlp", widths, 0.0);
  }

  /**
   * The cross features of every (query row, item slot): {@code [B, M, 2P]}. {@code index} gives,
   * per query row, the item rows it meets: {@code null} = all M item rows (scoreAll), else
   * {@code k} = its own K consecutive rows (scorePaired).
   */
  NDArray features(TowerOutput queries, TowerOutput items, int k) {
    NDList feats = new NDList();
    for (PairInput p : inputs) {
      NDArray counts = queries.extras().get(p.queryExtra()); // [B, K]
      NDArray key = items.extras().get(p.itemExtra()); // [M] or [M, L]
      if (counts == null || key == null) {
        throw new IllegalStateException("the three-tower interaction needs the extras " + p.queryExtra() + " and "
            + p.itemExtra() + "; score it through the three-tower model's towers");
      }
      long b = counts.getShape().get(0);
      long m = key.getShape().get(0);
      long slots = k > 0 ? k : m; // items each query row meets
      NDArray value; // [B, slots]
      if (!p.bag()) {
        NDArray idx = k > 0 ? key.reshape(b, k) : key.expandDims(0).broadcast(b, m); // [B, slots]
        value = counts.gather(idx.toType(DataType.INT64, false), 1);
      } else {
        long len = key.getShape().get(1);
        NDArray padded = NDArrays.concat(new NDList(counts.zerosLike().get(":, 0:1"), counts), 1); // [B, K+1]
        NDArray idx = (k > 0 ? key.reshape(b, k * len) : key.reshape(1, m * len).broadcast(b, m * len))
            .toType(DataType.INT64, false); // [B, slots*L]
        NDArray sum = padded.gather(idx, 1).reshape(b, slots, len).sum(new int[] {2}); // [B, slots]
        NDArray valid = key.gt(0).toType(DataType.FLOAT32, false).sum(new int[] {1}).maximum(1f); // [M]
        value = sum.div(k > 0 ? valid.reshape(b, k) : valid.expandDims(0)); // [B, slots]
      }
      NDArray total = counts.sum(new int[] {1}, true).add(1f); // [B, 1]
      feats.add(value.add(1f).log().expandDims(2)); // [B, slots, 1]
      feats.add(value.div(total).expandDims(2)); // [B, slots, 1]
    }
    return NDArrays.concat(feats, 2); // [B, slots, 2P]
  }

  private NDArray pairScore(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray x = features(queries, items, k); // [B, S, 2P]
    Shape s = x.getShape();
    return mlp.forward(x.reshape(s.get(0) * s.get(1), s.get(2)), fwd).reshape(s.get(0), s.get(1)); // [B, S]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return base.scoreAll(queries, items, fwd).add(pairScore(queries, items, 0, fwd)); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return base.scorePaired(queries, items, k, fwd).add(pairScore(queries, items, k, fwd)); // [B, K]
  }

  /** The two-tower score only (for the invariant that a silent cross tower is the two-tower model). */
  Interaction base() {
    return base;
  }

  @Override
  public boolean itemSidePrecomputable() {
    return base.itemSidePrecomputable();
  }

  /** Per pair and input: one gather (L for a bag key), about 6 flops of features; then the MLP. */
  long pairFlops(long keyLength) {
    long flops = 0;
    for (PairInput p : inputs) {
      flops += (p.bag() ? 2 * keyLength : 1) + 6;
    }
    for (int i = 0; i + 1 < widths.size(); i++) {
      flops += 2L * widths.get(i) * widths.get(i + 1) + widths.get(i + 1);
      if (i + 2 < widths.size()) {
        flops += widths.get(i + 1);
      }
    }
    return flops;
  }

  @Override
  public long flopsPerPair(long dim) {
    return base.flopsPerPair(dim) + pairFlops(1);
  }

  @Override
  public long flopsPerPair(TowerOutput queries, TowerOutput items) {
    long len = 1;
    for (PairInput p : inputs) {
      NDArray key = items.extras().get(p.itemExtra());
      if (p.bag() && key != null) {
        len = Math.max(len, key.getShape().get(1));
      }
    }
    return base.flopsPerPair(queries, items) + pairFlops(len);
  }
}
