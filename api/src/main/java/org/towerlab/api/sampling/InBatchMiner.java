package org.towerlab.api.sampling;

/**
 * A sampler that picks negatives among the batch's positives by the current scores (Facebook
 * EBR's online hard negatives). The trainer calls it with a detached copy of the in-batch score
 * matrix: the selection itself carries no gradient.
 */
public interface InBatchMiner {

  /**
   * @param scores in-batch scores {@code [B][B]}: query row vs positive column, as Java values
   * @param queries query ids {@code [B]}
   * @param positives positive ids {@code [B]}
   * @return for each row, the batch columns chosen as its negatives (never the row's own positive,
   *     nor a column holding the same item)
   */
  int[][] mine(float[][] scores, long[] queries, long[] positives);
}
