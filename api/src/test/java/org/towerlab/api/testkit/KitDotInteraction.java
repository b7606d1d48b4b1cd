package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * A reference interaction: {@code s(q, i) = <q, i> / tau}. On unit-norm tower outputs this is the
 * normalized two-tower score {@code cos / tau}. Decomposable.
 */
public final class KitDotInteraction implements Interaction {
  private final float temperature;

  public KitDotInteraction(double temperature) {
    this.temperature = (float) temperature;
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return queries.embedding().matMul(items.embedding().transpose())
        .div(Tensors.scalar(fwd.manager(), temperature)); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray q = queries.embedding(); // [B, D]
    long b = q.getShape().get(0);
    NDArray it = items.embedding().reshape(b, k, q.getShape().get(1)); // [B, K, D]
    return it.mul(q.expandDims(1)).sum(new int[] {2}).div(Tensors.scalar(fwd.manager(), temperature)); // [B, K]
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
