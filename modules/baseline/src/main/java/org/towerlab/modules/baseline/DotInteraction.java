package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;

/** {@code s(q, i) = <q, i>}. Decomposable: the item side is precomputable. */
public final class DotInteraction implements Interaction {

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return queries.embedding().matMul(items.embedding().transpose()); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return pairedDot(queries.embedding(), items.embedding(), k);
  }

  static NDArray pairedDot(NDArray q, NDArray items, int k) {
    long b = q.getShape().get(0);
    long d = q.getShape().get(1);
    NDArray it = items.reshape(b, k, d); // [B, K, D]
    return it.mul(q.expandDims(1)).sum(new int[] {2}); // [B, K]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  @Override
  public long flopsPerPair(long dim) {
    return 2 * dim;
  }
}
