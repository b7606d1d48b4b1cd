package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/** A lookup table of {@code rows} vectors of width {@code dim}, normal-initialized with the given std. */
public final class EmbeddingTable {
  private final NDArray table; // [rows, dim]
  private final int dim;

  public EmbeddingTable(Params params, String name, int rows, int dim, double std) {
    this.table = params.create(name, new Shape(rows, dim), Init.normal(std));
    this.dim = dim;
  }

  /** int64 ids of any shape {@code [..]} (a batch array) to {@code [.., dim]} on the ids' manager. */
  public NDArray lookup(NDArray ids) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Mean of the rows of a padded bag: {@code ids [N, L]} with 0 as padding (row 0 is never read
   * into the mean) to {@code [N, dim]}; an empty bag gives zeros.
   */
  public NDArray meanPool(NDArray ids) {
    NDArray mask = ids.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false); // [N, L]
    NDArray emb = lookup(ids); // [N, L, dim]
    NDArray sum = emb.mul(mask.expandDims(2)).sum(new int[] {1}); // [N, dim]
    NDArray count = mask.sum(new int[] {1}, true).maximum(1f); // [N, 1]
    return sum.div(count);
  }

  public int dim() {
    return dim;
  }

  public NDArray table() {
    return table;
  }
}
