package org.towerlab.modules.preranking;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Pairs;
import org.towerlab.api.nn.Tensors;

/**
 * COLD's pre-ranking network (Wang et al., "COLD: Towards the Next Generation of Pre-Ranking
 * System", DLP-KDD 2020): a DNN over the pair's fields instead of a dot product of two towers.
 * For a pair with query fields {@code e_1..e_Fq} and item fields {@code e_Fq+1..e_F} (each side's
 * output cut into fields of width {@code field-dim}; {@code fields} towers give one per feature):
 * <pre>
 *   x   = [e_1; ..; e_F]                                   [P, D]
 *   s   = sigmoid(x W_se + b_se)                           [P, F]   (se: COLD's SE block)
 *   e'_f = s_f * e_f                                       each [P, d_f]
 *   c   = (e'_a . e'_b) for a < b                          [P, F(F-1)/2]   (cross)
 *   score = MLP([e'_1; ..; e'_F; c])                       [P]
 * </pre>
 * The SE weights depend on both sides, so every candidate runs the whole network:
 * {@link #itemSidePrecomputable()} is false, and {@link #flopsPerPair} counts the SE layer, the
 * inner products and the MLP. Compared with the {@code dnn} interaction (an MLP over
 * {@code [q; i; q*i]} of two tower vectors), COLD works on fields: it gates them per pair and
 * crosses every field with every other; both share the pair broadcasting ({@link Pairs}).
 */
public final class ColdInteraction implements Interaction, Parameterized {
  private final ColdInteractionConfig config;
  private int queryFields;
  private int itemFields;
  private int queryFieldDim;
  private int itemFieldDim;
  private long[] upper; // flat indices a*F + b of the field pairs a < b
  private Linear se;
  private Mlp mlp;
  private List<Integer> widths;

  public ColdInteraction(ColdInteractionConfig config) {
    this.config = config;
  }

  @Override
  public void initialize(InitContext ctx) {
    long dq = ctx.queryDim();
    long di = ctx.itemDim();
    if (dq <= 0 || di <= 0) {
      throw new UserException("The cold interaction needs towers that state their output width (fields, mlp, dat,"
          + " hit do); got query " + dq + ", item " + di + ".");
    }
    queryFieldDim = config.fieldDim() == null ? (int) dq : config.fieldDim();
    itemFieldDim = config.fieldDim() == null ? (int) di : config.fieldDim();
    if (dq % queryFieldDim != 0 || di % itemFieldDim != 0) {
      throw new UserException("The cold interaction's field-dim " + config.fieldDim() + " does not divide the towers'"
          + " output widths (query " + dq + ", item " + di + "). Set field-dim to the fields towers' embedding-dim.");
    }
    queryFields = (int) (dq / queryFieldDim);
    itemFields = (int) (di / itemFieldDim);
    int f = queryFields + itemFields;
    if (config.cross() && queryFieldDim != itemFieldDim) {
      throw new UserException("The cold interaction's cross features are inner products of fields, which needs one"
          + " field width on both sides; the query side gives " + queryFieldDim + " and the item side " + itemFieldDim
          + ". Set field-dim, give both towers the same output width, or set cross: false.");
    }
    int d = (int) (dq + di);
    if (config.se()) {
      se = new Linear(ctx.params(), "se", d, f, true);
    }
    List<Long> pairs = new ArrayList<>();
    for (int a = 0; a < f && config.cross(); a++) {
      for (int b = a + 1; b < f; b++) {
        pairs.add((long) a * f + b);
      }
    }
    upper = pairs.stream().mapToLong(Long::longValue).toArray();
    widths = new ArrayList<>();
    widths.add(d + upper.length);
    widths.addAll(config.hidden());
    widths.add(1);
    mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
  }

  /** The network on P pairs: query rows {@code [P, Dq]}, item rows {@code [P, Di]} to scores {@code [P, 1]}. */
  private NDArray pair(NDArray qs, NDArray vs, Forward fwd) {
    long p = qs.getShape().get(0);
    NDArray eq = qs; // [P, Dq]
    NDArray ei = vs; // [P, Di]
    if (se != null) {
      NDArray s = Activation.sigmoid(se.forward(NDArrays.concat(new NDList(qs, vs), 1))); // [P, F]
      NDArray gq = s.get(":, 0:" + queryFields).expandDims(2); // [P, Fq, 1]
      NDArray gi = s.get(":, " + queryFields + ":").expandDims(2); // [P, Fi, 1]
      eq = qs.reshape(p, queryFields, queryFieldDim).mul(gq).reshape(p, -1); // [P, Dq]
      ei = vs.reshape(p, itemFields, itemFieldDim).mul(gi).reshape(p, -1); // [P, Di]
    }
    NDList in = new NDList(eq, ei);
    if (upper.length > 0) {
      int f = queryFields + itemFields;
      NDArray fields = NDArrays.concat(new NDList(eq.reshape(p, queryFields, queryFieldDim),
          ei.reshape(p, itemFields, itemFieldDim)), 1); // [P, F, d]
      NDArray gram = fields.batchMatMul(fields.transpose(0, 2, 1)).reshape(p, (long) f * f); // [P, F*F]
      NDArray idx = Tensors.create(fwd.manager(), upper).expandDims(0).broadcast(p, upper.length); // [P, T]
      in.add(gram.gather(idx, 1)); // [P, F(F-1)/2]
    }
    return mlp.forward(NDArrays.concat(in, 1), fwd); // [P, 1]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return Pairs.all(queries.embedding(), items.embedding(), config.chunk(), (qs, vs) -> pair(qs, vs, fwd)); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return Pairs.paired(queries.embedding(), items.embedding(), k, (qs, vs) -> pair(qs, vs, fwd)); // [B, K]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return false;
  }

  /**
   * Per pair: the SE layer ({@code 2 D F + F} for the affine map, {@code F} for the sigmoid,
   * {@code D} for the gating), the field Gram matrix ({@code 2 F^2 d}: every product is computed,
   * the upper triangle kept) and the MLP ({@code 2 in out + out} per layer, plus the ReLUs).
   */
  @Override
  public long flopsPerPair(long dim) {
    long f = queryFields + itemFields;
    long d = (long) queryFields * queryFieldDim + (long) itemFields * itemFieldDim;
    long flops = 0;
    if (se != null) {
      flops += 2 * d * f + 2 * f + d;
    }
    if (upper.length > 0) {
      flops += 2 * f * f * queryFieldDim;
    }
    for (int i = 0; i + 1 < widths.size(); i++) {
      flops += 2L * widths.get(i) * widths.get(i + 1) + widths.get(i + 1);
      if (i + 2 < widths.size()) {
        flops += widths.get(i + 1);
      }
    }
    return flops;
  }
}
