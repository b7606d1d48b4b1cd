package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * Multi-head scaled dot-product attention of queries over a masked key/value sequence (Vaswani et
 * al., "Attention Is All You Need", NeurIPS 2017), the target-attention block of DIN-style rankers:
 *
 * <pre>
 *   Q = x W_Q,  K = s W_K,  V = s W_V                     split into H heads of width d/H
 *   A = softmax_t(Q K^T / sqrt(d/H) + log m) * m           m = the sequence's padding mask [N, T]
 *   out = concat_h(A V) W_O + b_O                          [.., Q, out]
 * </pre>
 *
 * <p>A query row whose sequence is empty (all padding) attends to nothing: its weights are 0 and
 * its output is {@code b_O}. Queries come in two forms: shared by every row ({@code [Q, d_q]}, the
 * TARQ codewords, the whole corpus at scoring time) or per row ({@code [N, Q, d_q]}, the candidates
 * of each row).
 */
final class MultiHeadAttention {
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;
  private final int heads;
  private final int dim;

  /**
   * @param params the parameter scope (weights {@code query}, {@code key}, {@code value},
   *     {@code output})
   * @param queryDim width of the queries
   * @param keyDim width of the sequence vectors
   * @param dim inner width, split into {@code heads} heads (must be divisible)
   * @param outDim width of the output
   */
  MultiHeadAttention(Params params, int queryDim, int keyDim, int dim, int outDim, int heads) {
    if (dim % heads != 0) {
      throw new IllegalArgumentException("attention width " + dim + " is not divisible by " + heads + " heads");
    }
    this.query = new Linear(params, "query", queryDim, dim, false);
    this.key = new Linear(params, "key", keyDim, dim, false);
    this.value = new Linear(params, "value", keyDim, dim, false);
    this.output = new Linear(params, "output", dim, outDim, true);
    this.heads = heads;
    this.dim = dim;
  }

  /** Keys and values of N sequences, split into heads, with the padding mask. */
  record Keys(NDArray keys, NDArray values, NDArray mask) {
    long rows() {
      return keys.getShape().get(0);
    }

    /** The keys of rows {@code [from, to)}. */
    Keys rows(long from, long to) {
      String r = from + ":" + to;
      return new Keys(keys.get(r), values.get(r), mask.get(r));
    }
  }

  /**
   * @param sequence {@code [N, T, d_k]} (a batch array)
   * @param mask {@code [N, T]}, 1 for a real position, 0 for padding
   */
  Keys keys(NDArray sequence, NDArray mask) {
    return new Keys(split(key.forward(sequence)), split(value.forward(sequence)), mask); // [N, H, T, d/H] twice
  }

  /** {@code [N, T, d]} to {@code [N, H, T, d/H]}. */
  private NDArray split(NDArray x) {
    long n = x.getShape().get(0);
    long t = x.getShape().get(1);
    return x.reshape(n, t, heads, dim / heads).transpose(0, 2, 1, 3);
  }

  /**
   * Queries shared by every row: {@code [Q, d_q]} against N sequences.
   *
   * @return {@code [N, Q, out]}
   */
  NDArray attendShared(NDArray queries, Keys keys, Forward fwd) {
    long q = queries.getShape().get(0);
    NDArray qp = query.forward(queries).reshape(1, q, heads, dim / heads).transpose(0, 2, 1, 3); // [1, H, Q, d/H]
    return attend(qp, keys, fwd);
  }

  /**
   * Per-row queries: row n's {@code Q} queries against row n's sequence.
   *
   * @param queries {@code [N, Q, d_q]}
   * @return {@code [N, Q, out]}
   */
  NDArray attendPerRow(NDArray queries, Keys keys, Forward fwd) {
    long n = queries.getShape().get(0);
    long q = queries.getShape().get(1);
    NDArray qp = query.forward(queries).reshape(n, q, heads, dim / heads).transpose(0, 2, 1, 3); // [N, H, Q, d/H]
    return attend(qp, keys, fwd);
  }

  private NDArray attend(NDArray qp, Keys keys, Forward fwd) {
    long n = keys.rows();
    long t = keys.mask().getShape().get(1);
    long q = qp.getShape().get(2);
    // the scale goes on the (smaller) queries: Q K^T / sqrt(d/H) = (Q / sqrt(d/H)) K^T
    NDArray scaled = qp.mul(Tensors.scalar(fwd.manager(), (float) (1.0 / Math.sqrt((double) dim / heads))));
    NDArray m = keys.mask().toType(DataType.FLOAT32, false); // [N, T], no gradient
    NDArray bias = m.sub(1f).mul(1e9f).reshape(n, 1, 1, t); // 0 for real positions, -1e9 for padding
    NDArray weights = scaled.matMul(keys.keys().transpose(0, 1, 3, 2)).add(bias).softmax(-1); // [N, H, Q, T]
    NDArray ctx = weights.matMul(keys.values()); // [N, H, Q, d/H]
    // a row without any real position attends to nothing (its softmax is uniform over padding)
    NDArray any = m.sum(new int[] {1}).gt(0).toType(DataType.FLOAT32, false).reshape(n, 1, 1, 1); // [N, 1, 1, 1]
    NDArray merged = ctx.mul(any).transpose(0, 2, 1, 3).reshape(n, q, dim); // [N, Q, d]
    return output.forward(merged); // [N, Q, out]
  }

  /** Floating-point operations of one query against a sequence of length t (projections excluded). */
  long flopsPerQuery(long t) {
    return 2 * t * dim + 2 * t * dim + 3 * t * heads;
  }

  int dim() {
    return dim;
  }
}
