package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * The normalized two-tower score {@code s(q, i) = cos(q, i) / tau} (Yi et al., RecSys 2019): both
 * vectors are L2-normalized (with 1e-12 added to the squared norm), then dotted and divided by the
 * temperature. Decomposable: normalized item vectors are cached.
 */
public final class CosineInteraction implements Interaction {
  private final float temperature;

  public CosineInteraction(CosineInteractionConfig config) {
    this.temperature = config.temperature().floatValue();
  }

  /** {@code x / sqrt(|x|^2 + 1e-12)}: differentiable everywhere, also at the zero vector. */
  static NDArray normalize(NDArray x) {
    NDArray norm = x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt(); // [N, 1]
    return x.div(norm);
  }

  /** The normalized vectors, once per training step for the same tower output. */
  private static NDArray normalized(NDArray x, Forward fwd) {
    return fwd.derived("cosine.normalize", x, CosineInteraction::normalize);
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray q = normalized(queries.embedding(), fwd); // [B, D]
    NDArray v = normalized(items.embedding(), fwd); // [M, D]
    // 1/tau on the [B, D] side, not on the [B, M] product: one pass over B * D values instead of B * M
    return q.div(Tensors.scalar(fwd.manager(), temperature)).matMul(v.transpose()); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return DotInteraction.pairedDot(normalized(queries.embedding(), fwd), normalized(items.embedding(), fwd), k)
        .div(Tensors.scalar(fwd.manager(), temperature)); // [B, K]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  @Override
  public long flopsPerPair(long dim) {
    return 2 * dim + 1;
  }
}
