package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Pairs;

/**
 * A full-interaction scorer: an MLP over the pair, {@code s(q, i) = MLP([q; i; q * i])} with ReLU
 * hidden layers and a scalar output (the DNN ranker of a cascade, and a COLD-style pre-ranker:
 * Wang et al., "COLD: Towards the Next Generation of Pre-Ranking System", DLP-KDD 2020). Not
 * decomposable: every pair runs the MLP, so the item side is not precomputable (the tower outputs
 * are still cached; only the MLP runs per pair). {@code scoreAll} works in chunks of at most
 * {@code chunk} pairs ({@link Pairs}) so that memory stays bounded for a query block against the
 * whole corpus.
 */
public final class DnnInteraction implements Interaction, Parameterized {
  private final DnnInteractionConfig config;
  private Mlp mlp;

  public DnnInteraction(DnnInteractionConfig config) {
    this.config = config;
  }

  @Override
  public void initialize(InitContext ctx) {
    if (ctx.queryDim() <= 0 || ctx.itemDim() <= 0) {
      throw new org.towerlab.api.UserException("The dnn interaction needs towers that state their output width"
          + " (mlp, dat, hit do); got query " + ctx.queryDim() + ", item " + ctx.itemDim() + ".");
    }
    if (ctx.queryDim() != ctx.itemDim()) {
      throw new org.towerlab.api.UserException("The dnn interaction needs towers of the same output width; the query"
          + " tower gives " + ctx.queryDim() + " and the item tower " + ctx.itemDim()
          + ". Set both towers' output-dim to the same value.");
    }
    List<Integer> widths = new ArrayList<>();
    widths.add((int) (3 * ctx.queryDim()));
    widths.addAll(config.hidden());
    widths.add(1);
    mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
  }

  private NDArray features(NDArray q, NDArray v) {
    return NDArrays.concat(new NDList(q, v, q.mul(v)), -1); // [P, 3D]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray q = queries.embedding(); // [B, D]
    NDArray v = items.embedding(); // [M, D]
    checkWidths(q, v);
    return Pairs.all(q, v, config.chunk(), (qs, vs) -> mlp.forward(features(qs, vs), fwd)); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray q = queries.embedding(); // [B, D]
    NDArray v = items.embedding(); // [B*K, D]
    checkWidths(q, v);
    return Pairs.paired(q, v, k, (qs, vs) -> mlp.forward(features(qs, vs), fwd)); // [B, K]
  }

  private static void checkWidths(NDArray q, NDArray v) {
    if (q.getShape().get(1) != v.getShape().get(1)) {
      throw new org.towerlab.api.UserException("The dnn interaction needs towers of the same output width; the query"
          + " tower gives " + q.getShape().get(1) + " and the item tower " + v.getShape().get(1)
          + ". Set both towers' output-dim to the same value.");
    }
  }

  @Override
  public boolean itemSidePrecomputable() {
    return false;
  }

  /** The MLP's multiply-adds per pair (2 flops each) plus the elementwise product. */
  @Override
  public long flopsPerPair(long dim) {
    long flops = dim;
    long in = 3 * dim;
    for (int h : config.hidden()) {
      flops += 2 * in * h + h;
      in = h;
    }
    return flops + 2 * in;
  }
}
