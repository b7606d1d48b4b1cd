package org.towerlab.modules.ebr;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * EBR's weighted-concatenation embedding ensemble (Huang et al., KDD 2020, section 5.1): the towers'
 * output {@code [N, n*d]} is read as {@code n} sub-embeddings of width {@code d}, and
 * {@code S_w(Q, D) = sum_i alpha_i cos(V_Q,i, U_D,i)}. It is computed the way EBR serves it: the
 * query vector {@code E_Q = [alpha_i V_Q,i / |V_Q,i|]_i}, the item vector
 * {@code E_D = [U_D,i / |U_D,i|]_i}, and {@code S_w = E_Q . E_D}, so one KNN index over
 * {@code E_D} serves the ensemble ({@code cos(E_Q, E_D) = S_w / (sqrt(sum alpha^2) sqrt(n))}).
 * Decomposable. With one weight of 1 this is the {@code cosine} interaction at temperature 1.
 */
public final class WeightedConcatInteraction implements Interaction {
  private final float[] weights;
  private final String path;

  /**
   * @param path the interaction's config path ({@code $.model.interaction}), for error messages
   */
  public WeightedConcatInteraction(WeightedConcatInteractionConfig config, String path) {
    this.path = path;
    weights = new float[config.weights().size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = config.weights().get(i).floatValue();
    }
  }

  /** {@code x [N, n*d]} to the slice-normalized {@code [N, n, d]}. */
  private NDArray slices(NDArray x) {
    long n = weights.length;
    long width = x.getShape().get(1);
    if (width % n != 0) {
      throw new UserException("The towers output " + width + " values per entity, not a multiple of the " + n
          + " weights at " + path + ".weights. Make both towers' output-dim a multiple of " + n
          + " or change the number of weights.");
    }
    NDArray s = x.reshape(x.getShape().get(0), n, width / n); // [N, n, d]
    return s.div(s.square().sum(new int[] {-1}, true).add(1e-12f).sqrt()); // [N, n, d]
  }

  /** The served query vector {@code E_Q} {@code [B, n*d]}. */
  NDArray queryVector(NDArray q, Forward fwd) {
    NDArray alpha = Tensors.create(fwd.manager(), weights).reshape(1, weights.length, 1); // [1, n, 1]
    NDArray s = slices(q); // [B, n, d]
    return s.mul(alpha).reshape(q.getShape()); // [B, n*d]
  }

  /** The served item vector {@code E_D} {@code [M, n*d]}. */
  NDArray itemVector(NDArray v) {
    return slices(v).reshape(v.getShape()); // [M, n*d]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return queryVector(queries.embedding(), fwd).matMul(itemVector(items.embedding()).transpose()); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray q = queryVector(queries.embedding(), fwd); // [B, D]
    NDArray v = itemVector(items.embedding()); // [B*K, D]
    long b = q.getShape().get(0);
    return v.reshape(b, k, q.getShape().get(1)).mul(q.expandDims(1)).sum(new int[] {2}); // [B, K]
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
