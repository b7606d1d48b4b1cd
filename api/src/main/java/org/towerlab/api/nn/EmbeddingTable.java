package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lookup table of {@code rows} vectors of width {@code dim}, normal-initialized with the given std.
 *
 * <p><b>Row-sparse training.</b> An optimizer that updates only the rows a step read (lazy Adam,
 * row-wise AdaGrad: {@code trainer.embedding-updates}) installs a {@link RowLookups} with
 * {@link #trackRows}. While autograd records (inside a training step) every {@link #lookup} then
 * goes through it: it gathers the step's unique rows into a small leaf tensor {@code [U, dim]} and
 * embeds from that, so the backward pass produces a {@code [U, dim]} gradient instead of a dense
 * {@code [rows, dim]} one and the table itself gets no gradient. Outside a training step (evaluation,
 * no-grad code) a lookup reads the table directly. Code that uses {@link #table()} in a
 * differentiable expression gives the table a dense gradient as well; the optimizer then merges both.
 */
public final class EmbeddingTable {
  /**
   * Tables by their weight array's uid, so that an optimizer given only arrays can find them (weakly
   * held: a closed model's tables are collected; NDArray's own equals/hashCode read the values).
   */
  private static final Map<String, WeakReference<EmbeddingTable>> BY_ARRAY = new ConcurrentHashMap<>();

  private final NDArray table; // [rows, dim]
  private final int dim;
  private volatile RowLookups rows;

  /** How a row-sparse optimizer serves the lookups of a training step. */
  public interface RowLookups {
    /**
     * Embeds {@code ids} (int64, any shape {@code [..]}) from {@code table}'s current rows, recording
     * which rows were read, to {@code [.., dim]} on the ids' manager.
     */
    NDArray lookup(EmbeddingTable table, NDArray ids);
  }

  public EmbeddingTable(Params params, String name, int rows, int dim, double std) {
    this.table = params.create(name, new Shape(rows, dim), Init.normal(std));
    this.dim = dim;
    BY_ARRAY.values().removeIf(r -> r.get() == null);
    BY_ARRAY.put(table.getUid(), new WeakReference<>(this));
  }

  /** The table whose weight is {@code weight}, or {@code null} when it is not an embedding table. */
  public static EmbeddingTable of(NDArray weight) {
    WeakReference<EmbeddingTable> ref = BY_ARRAY.get(weight.getUid());
    EmbeddingTable t = ref == null ? null : ref.get();
    return t != null && t.table == weight ? t : null;
  }

  /** Routes this table's lookups inside training steps through {@code lookups}; {@code null} undoes it. */
  public void trackRows(RowLookups lookups) {
    this.rows = lookups;
  }

  /** int64 ids of any shape {@code [..]} (a batch array) to {@code [.., dim]} on the ids' manager. */
  public NDArray lookup(NDArray ids) {
    RowLookups r = rows;
    if (r != null && NoGrad.recording()) {
      return r.lookup(this, ids);
    }
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

  /** Number of rows. */
  public long rows() {
    return table.getShape().get(0);
  }

  public NDArray table() {
    return table;
  }
}
