package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.function.BinaryOperator;

/**
 * Broadcasting for interactions that run a network on every (query, item) pair instead of
 * factoring the score (the {@code dnn} ranker, COLD): the pair function receives the query rows
 * repeated and the item rows tiled, one row per pair, and returns one score per pair. Results are
 * on the inputs' manager.
 */
public final class Pairs {
  private Pairs() {}

  /**
   * Every pair of {@code B} query rows and {@code M} item rows, scored in chunks of at most
   * {@code chunk} pairs (whole query rows; at least one query row per chunk) so that memory stays
   * bounded when a query block meets the whole corpus.
   *
   * @param q query rows {@code [B, Dq]}
   * @param v item rows {@code [M, Dv]}
   * @param pair {@code (qs [P, Dq], vs [P, Dv]) -> scores [P]} or {@code [P, 1]}, pair {@code p = r*M + m}
   * @return scores {@code [B, M]}
   */
  public static NDArray all(NDArray q, NDArray v, long chunk, BinaryOperator<NDArray> pair) {
    long b = q.getShape().get(0);
    long m = v.getShape().get(0);
    long dq = q.getShape().get(1);
    long dv = v.getShape().get(1);
    long rowsPerChunk = Math.max(1, chunk / Math.max(m, 1));
    NDList parts = new NDList();
    for (long from = 0; from < b; from += rowsPerChunk) {
      long to = Math.min(b, from + rowsPerChunk);
      long r = to - from;
      NDArray qs = q.get(from + ":" + to).expandDims(1).broadcast(r, m, dq).reshape(r * m, dq); // [r*M, Dq]
      NDArray vs = v.expandDims(0).broadcast(r, m, dv).reshape(r * m, dv); // [r*M, Dv]
      parts.add(pair.apply(qs, vs).reshape(r, m)); // [r, M]
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [B, M]
  }

  /**
   * Query {@code b} against its own {@code K} items, rows {@code [b*K, (b+1)*K)} of {@code v}.
   *
   * @param q query rows {@code [B, Dq]}
   * @param v item rows {@code [B*K, Dv]}
   * @return scores {@code [B, K]}
   */
  public static NDArray paired(NDArray q, NDArray v, int k, BinaryOperator<NDArray> pair) {
    long b = q.getShape().get(0);
    long dq = q.getShape().get(1);
    NDArray qs = q.expandDims(1).broadcast(b, k, dq).reshape(b * k, dq); // [B*K, Dq]
    return pair.apply(qs, v).reshape(b, k); // [B, K]
  }
}
