package org.towerlab.api.sampling;

/**
 * The negatives of one batch. Any combination of three sources, which the trainer scores and hands
 * to the loss as columns of one {@code [B, C]} candidate matrix, in this order:
 * <ol>
 *   <li>in-batch: the other rows' positives ({@code B} columns; the row's own positive and any
 *       column holding the same item as the row's positive are masked as accidental hits);
 *   <li>shared: {@code M} corpus items scored by every query;
 *   <li>per-query: {@code K} items for each query.
 * </ol>
 * In every source the trainer masks a column that holds the row's own positive item (an accidental
 * hit), so a sampler drawing from the corpus need not filter it; {@code perQueryMask} marks slots
 * that hold no valid negative at all.
 *
 * @param inBatch whether the other rows' positives are negatives
 * @param inBatchLogQ log sampling probability of each row's positive as a candidate {@code [B]}
 *     (its frequency for in-batch sampling; its probability under the sampler's distribution for
 *     corpus samplers, so that the logQ correction also applies to the positive's logit), or
 *     {@code null} for no correction
 * @param shared shared negative ids {@code [M]} (may be empty)
 * @param sharedLogQ their log sampling probabilities {@code [M]}, or {@code null}
 * @param perQuery per-query negative ids {@code [B][K]}, or {@code null}
 * @param perQueryLogQ their log sampling probabilities {@code [B][K]}, or {@code null}
 * @param perQueryMask false where a per-query slot holds no valid negative {@code [B][K]}, or
 *     {@code null} when all are valid
 * @param inBatchLogQByRow the in-batch columns' log probabilities per row {@code [B][B]}, when the
 *     proposal depends on the query (a mixture with a per-query source), or {@code null}; it
 *     replaces {@code inBatchLogQ} for the candidate columns (the positive keeps
 *     {@code inBatchLogQ[i]})
 * @param sharedLogQByRow the shared columns' log probabilities per row {@code [B][M]}, or null
 */
public record Negatives(
    boolean inBatch,
    float[] inBatchLogQ,
    long[] shared,
    float[] sharedLogQ,
    long[][] perQuery,
    float[][] perQueryLogQ,
    boolean[][] perQueryMask,
    float[][] inBatchLogQByRow,
    float[][] sharedLogQByRow) {

  public Negatives {
    shared = shared == null ? new long[0] : shared;
  }

  /** Negatives whose log probabilities do not depend on the row. */
  public Negatives(boolean inBatch, float[] inBatchLogQ, long[] shared, float[] sharedLogQ, long[][] perQuery,
      float[][] perQueryLogQ, boolean[][] perQueryMask) {
    this(inBatch, inBatchLogQ, shared, sharedLogQ, perQuery, perQueryLogQ, perQueryMask, null, null);
  }

  /** Only the other rows' positives. */
  public static Negatives inBatch(float[] logQ) {
    return new Negatives(true, logQ, new long[0], null, null, null, null);
  }

  /** No negatives at all (pointwise training on logged labels). */
  public static Negatives none() {
    return new Negatives(false, null, new long[0], null, null, null, null);
  }

  public int perQueryCount() {
    return perQuery == null || perQuery.length == 0 ? 0 : perQuery[0].length;
  }
}
