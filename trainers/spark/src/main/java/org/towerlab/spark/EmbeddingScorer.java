package org.towerlab.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.nn.Tensors;

/**
 * Scores exported embeddings: {@code score(q, i) = <q, i>} ({@code dot}) or the cosine of the two
 * ({@code cosine}: rows L2-normalized first, in Java, so every caller sees the same numbers). The
 * ranking of the run's {@code dot} or {@code cosine} interaction (a positive temperature does not
 * change it) from {@code embeddings/items.f32} and {@code queries.f32}.
 *
 * <p>Query ids index {@code queries} (row {@code q} = {@code queries[q * dim .. (q + 1) * dim)});
 * the item matrix lives on the scorer's own manager, closed by {@link #close}. A block is one
 * {@code [rows, D] x [D, width]} matmul on the engine, so the same block of the same rows gives
 * the same floats wherever it is scored: the Spark job and {@code TopKEvaluator} agree exactly.
 */
public final class EmbeddingScorer implements Scorer {
  private final NDManager own;
  private final NDArray items; // [M, D]
  private final float[] queries;
  private final int dim;
  private final int numItems;

  /**
   * @param items row-major {@code [numItems, dim]}
   * @param queries row-major {@code [numQueries, dim]}
   * @param cosine whether to L2-normalize every row (a zero row stays zero)
   */
  public EmbeddingScorer(float[] items, float[] queries, int dim, boolean cosine, NDManager parent) {
    if (dim <= 0 || items.length % dim != 0 || queries.length % dim != 0) {
      throw new IllegalArgumentException("embedding lengths " + items.length + ", " + queries.length
          + " are not multiples of dim " + dim);
    }
    this.dim = dim;
    this.numItems = items.length / dim;
    this.queries = cosine ? normalized(queries, dim) : queries;
    this.own = parent.newSubManager();
    this.items = Tensors.create(own, cosine ? normalized(items, dim) : items, new Shape(numItems, dim));
  }

  /** Every row divided by its L2 norm (accumulated in double), zero rows unchanged. */
  static float[] normalized(float[] rows, int dim) {
    float[] out = new float[rows.length];
    for (int from = 0; from < rows.length; from += dim) {
      double ss = 0;
      for (int j = 0; j < dim; j++) {
        ss += (double) rows[from + j] * rows[from + j];
      }
      double norm = Math.sqrt(ss);
      for (int j = 0; j < dim; j++) {
        out[from + j] = norm == 0 ? 0f : (float) (rows[from + j] / norm);
      }
    }
    return out;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public NDArray scoreBlock(long[] qids, int itemFrom, int itemTo, NDManager manager) {
    NDArray q = Tensors.create(manager, rows(qids), new Shape(qids.length, dim)); // [B, D]
    NDArray block = items.get(new NDIndex("{}:{}", itemFrom, itemTo)); // [W, D]
    block.attach(manager); // the slice and its transpose belong to the caller's block manager
    return q.matMul(block.transpose()); // [B, W]
  }

  @Override
  public float[] scorePairs(long[] qids, long[] itemIds, NDManager manager) {
    float[] out = new float[qids.length];
    float[] all = items.toFloatArray();
    for (int n = 0; n < qids.length; n++) {
      int qb = Math.toIntExact(qids[n] * dim);
      int ib = Math.toIntExact(itemIds[n] * dim);
      float s = 0f;
      for (int j = 0; j < dim; j++) {
        s += queries[qb + j] * all[ib + j];
      }
      out[n] = s;
    }
    return out;
  }

  @Override
  public long flopsPerPair() {
    return 2L * dim;
  }

  private float[] rows(long[] qids) {
    float[] out = new float[qids.length * dim];
    for (int r = 0; r < qids.length; r++) {
      System.arraycopy(queries, Math.toIntExact(qids[r] * dim), out, r * dim, dim);
    }
    return out;
  }

  @Override
  public void close() {
    own.close();
  }
}
