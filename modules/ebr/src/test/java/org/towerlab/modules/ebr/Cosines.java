package org.towerlab.modules.ebr;

import ai.djl.ndarray.NDArray;

/** Cosine similarities computed directly, the reference the EBR tests check against. */
final class Cosines {
  private Cosines() {}

  /** Row-normalized {@code x [N, D]}. */
  static NDArray normalize(NDArray x) {
    return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt()); // [N, D]
  }

  /** Cosine of all pairs, {@code [B, M]}. */
  static NDArray all(NDArray q, NDArray v) {
    return normalize(q).matMul(normalize(v).transpose()); // [B, M]
  }

  /** Cosine of row b against rows {@code [bK, (b+1)K)}, {@code [B, K]}. */
  static NDArray paired(NDArray q, NDArray v, int k) {
    long b = q.getShape().get(0);
    long d = q.getShape().get(1);
    NDArray vv = normalize(v).reshape(b, k, d); // [B, K, D]
    return vv.mul(normalize(q).expandDims(1)).sum(new int[] {2}); // [B, K]
  }
}
