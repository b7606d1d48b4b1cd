package org.towerlab.api.loss;

import java.util.Arrays;

/**
 * The item id of every candidate column of a step, {@code [B, C]} row-major, {@code -1} for
 * padding. Plain in-batch sampling gives every row the same columns (the batch's positives), so
 * that case keeps the {@code [B]} positives and answers {@link #at} from them instead of filling
 * {@code B * B} ids every step (8 MB at B = 1024; profiled at about a twentieth of a quick-start
 * step). {@link #toArray} materializes on demand.
 */
public final class CandidateIds {
  private final int rows;
  private final int width;
  private final long[] flat; // [rows * width], or null when every row has the columns `shared`
  private final long[] shared; // [width], or null

  private CandidateIds(int rows, int width, long[] flat, long[] shared) {
    this.rows = rows;
    this.width = width;
    this.flat = flat;
    this.shared = shared;
  }

  /** Row-major ids {@code [rows * width]}; the array is kept, not copied. */
  public static CandidateIds of(long[] flat, int rows, int width) {
    if ((long) rows * width != flat.length) {
      throw new IllegalArgumentException(flat.length + " ids for " + rows + " x " + width + " candidates");
    }
    return new CandidateIds(rows, width, flat, null);
  }

  /** Every one of {@code rows} rows has the columns {@code columns} (in-batch: the batch's positives). */
  public static CandidateIds sameForEveryRow(long[] columns, int rows) {
    return new CandidateIds(rows, columns.length, null, columns);
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  /** The item id of column {@code column} of row {@code row}, or -1 for padding. */
  public long at(int row, int column) {
    if (row < 0 || row >= rows || column < 0 || column >= width) {
      throw new IndexOutOfBoundsException("candidate (" + row + ", " + column + ") of " + rows + " x " + width);
    }
    return shared != null ? shared[column] : flat[row * width + column];
  }

  /** A fresh row-major copy {@code [rows * width]}. */
  public long[] toArray() {
    if (flat != null) {
      return flat.clone();
    }
    long[] out = new long[rows * width];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(shared, 0, out, i * width, width);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CandidateIds c && c.rows == rows && c.width == width && Arrays.equals(c.toArray(), toArray());
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + width) + Arrays.hashCode(toArray());
  }

  @Override
  public String toString() {
    return "CandidateIds[" + rows + " x " + width + "]";
  }
}
