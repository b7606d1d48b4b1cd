package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;

/**
 * The normalized two-tower score {@code s(q, i) = cos(q, i) / tau} (Yi et al., RecSys 2019): both
 * vectors are L2-normalized (with a floor of 1e-12 on the norm), then dotted and divided by the
 * temperature. Decomposable: normalized item vectors are cached.
 */
public final class CosineInteraction implements Interaction {
  private final float temperature;

  public CosineInteraction(CosineInteractionConfig config) {
    this.temperature = config.temperature().floatValue();
  }

  static NDArray normalize(NDArray x) {
    NDArray norm = x.norm(new int[] {-1}, true).maximum(1e-12f); // [N, 1]
    return x.div(norm);
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray q = normalize(queries.embedding()); // [B, D]
    NDArray v = normalize(items.embedding()); // [M, D]
    return q.matMul(v.transpose()).div(temperature); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return DotInteraction.pairedDot(normalize(queries.embedding()), normalize(items.embedding()), k)
        .div(temperature); // [B, K]
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
