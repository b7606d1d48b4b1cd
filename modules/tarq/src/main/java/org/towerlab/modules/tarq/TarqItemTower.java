package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;

/**
 * TARQ's item tower: the item query {@code q = phi(x_item)} ({@link ItemQueryTower}), residual-
 * quantized by the model's {@link ResidualQuantizer} into L codes.
 *
 * <p>Output: {@code codes} int64 {@code [N, L]} (what serving stores per item),
 * {@code embedding} the quantized query {@code q_hat = sum_l C_l[z_l] [N, d]} (at training time its
 * straight-through form {@code q + sg(q_hat - q)}, same value, gradient to q), and
 * {@code extras("query")} the unquantized q {@code [N, d]} (the teacher's query and the alignment
 * loss's input). Training passes add {@code tarq-commitment} (and {@code tarq-codebook}) and the
 * quantizer's diagnostics. The tower reads only its own side: the item side stays precomputable.
 */
final class TarqItemTower implements Tower {
  /** The {@link TowerOutput#extras()} key of the unquantized item query q. */
  static final String QUERY = "query";

  private final ItemQueryTower phi;
  private final ResidualQuantizer quantizer;
  private final long dim;

  TarqItemTower(Architecture arch, String path, ResidualQuantizer quantizer) {
    this.phi = new ItemQueryTower(arch, path);
    this.quantizer = quantizer;
    this.dim = arch.dim();
  }

  @Override
  public void initialize(InitContext ctx) {
    phi.initialize(ctx);
  }

  @Override
  public long outputDim() {
    return dim;
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray q = phi.encode(features, fwd).embedding(); // [N, d]
    ResidualQuantizer.Quantized z = quantizer.quantize(q, fwd);
    NDArray embedding = fwd.training() ? z.straightThrough() : z.quantized(); // [N, d]
    return new TowerOutput(embedding, null, null, z.codes(), Map.of(QUERY, q));
  }
}
