package org.towerlab.api.loss;

import java.util.Arrays;
import java.util.List;

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
  private final CandidateIds[] blocks; // column blocks side by side, or null
  private final int[] offsets; // first column of each block

  private CandidateIds(int rows, int width, long[] flat, long[] shared) {
    this(rows, width, flat, shared, null, null);
  }

  private CandidateIds(int rows, int width, long[] flat, long[] shared, CandidateIds[] blocks, int[] offsets) {
    this.rows = rows;
    this.width = width;
    this.flat = flat;
    this.shared = shared;
    this.blocks = blocks;
    this.offsets = offsets;
  }

  /**
   * Column blocks side by side (in-batch columns, then shared negatives, then per-query ones), each
   * kept as it is: {@code at} looks up the block of the column.
   */
  public static CandidateIds sideBySide(List<CandidateIds> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no candidate blocks");
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int rows = parts.get(0).rows;
    int[] offsets = new int[parts.size()];
    int width = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).rows != rows) {
        throw new IllegalArgumentException("candidate blocks of " + rows + " and " + parts.get(i).rows + " rows");
      }
      offsets[i] = width;
      width += parts.get(i).width;
    }
    return new CandidateIds(rows, width, null, null, parts.toArray(new CandidateIds[0]), offsets);
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
    if (blocks != null) {
      int k = blocks.length - 1;
      while (offsets[k] > column) {
        k--;
      }
      return blocks[k].at(row, column - offsets[k]);
    }
    return shared != null ? shared[column] : flat[row * width + column];
  }

  /** A fresh row-major copy {@code [rows * width]}. */
  public long[] toArray() {
    if (flat != null) {
      return flat.clone();
    }
    long[] out = new long[rows * width];
    if (blocks != null) {
      for (int k = 0; k < blocks.length; k++) {
        long[] part = blocks[k].toArray();
        int w = blocks[k].width;
        for (int i = 0; i < rows; i++) {
          System.arraycopy(part, i * w, out, i * width + offsets[k], w);
        }
      }
      return out;
    }
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
