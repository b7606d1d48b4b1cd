package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.nn.Tensors;

/**
 * Turns entity ids into {@link FeatureBatch}es: one bulk {@code manager.create} per field.
 *
 * <p>Sequence fields are built from the training part only: for an example at time {@code t}, the
 * query's training positives with timestamp strictly before {@code t}, the most recent
 * {@code maxLength} of them, oldest first (ids + 1, left-padded with 0). At evaluation time
 * ({@code t = Long.MAX_VALUE}) that is the whole training history. Nothing from valid or test leaks
 * into a sequence.
 */
public final class FeatureBatches {
  private final Split split;
  private final Map<Side, List<FieldSpec>> fields = new LinkedHashMap<>();
  // query -> its training positives sorted by time (CSR layout)
  private final int[] seqOffsets;
  private final int[] seqItems;
  private final long[] seqTimes;

  public FeatureBatches(Split split) {
    this.split = split;
    for (Side s : Side.values()) {
      fields.put(s, split.dataset().schema().side(s));
      checkRanges(s);
    }
    boolean needSeq = split.dataset().schema().fields().stream()
        .anyMatch(f -> f.kind() == org.towerlab.api.data.FieldKind.SEQUENCE);
    if (needSeq) {
      InteractionLog train = split.train();
      float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
      int nq = split.dataset().numQueries();
      Integer[] order = new Integer[train.size()];
      int n = 0;
      for (int r = 0; r < train.size(); r++) {
        if (pos == null || pos[r] > 0) {
          order[n++] = r;
        }
      }
      Integer[] rows = Arrays.copyOf(order, n);
      Arrays.sort(rows, (a, b) -> {
        int c = Integer.compare(train.queries()[a], train.queries()[b]);
        if (c != 0) {
          return c;
        }
        c = Long.compare(train.timestamps()[a], train.timestamps()[b]);
        return c != 0 ? c : Integer.compare(a, b);
      });
      seqOffsets = new int[nq + 1];
      seqItems = new int[n];
      seqTimes = new long[n];
      for (int i = 0; i < n; i++) {
        int r = rows[i];
        seqOffsets[train.queries()[r] + 1]++;
        seqItems[i] = train.items()[r];
        seqTimes[i] = train.timestamps()[r];
      }
      for (int q = 0; q < nq; q++) {
        seqOffsets[q + 1] += seqOffsets[q];
      }
    } else {
      seqOffsets = null;
      seqItems = null;
      seqTimes = null;
    }
  }

  /** Every id must lie in {@code [0, cardinality)}: an out-of-range id would read past an embedding table. */
  private void checkRanges(Side side) {
    FeatureTable table = side == Side.QUERY ? split.dataset().queryFeatures() : split.dataset().itemFeatures();
    for (FieldSpec f : fields.get(side)) {
      if (f.name().equals("id")) {
        if (f.cardinality() != table.size()) {
          throw new IllegalStateException("the " + side + " id field has cardinality " + f.cardinality() + " but the table has "
              + table.size() + " rows (data set '" + split.dataset().name() + "')");
        }
        continue;
      }
      if (f.kind() == org.towerlab.api.data.FieldKind.CATEGORICAL) {
        for (int v : table.categorical(f.name())) {
          check(f, v);
        }
      } else if (f.kind() == org.towerlab.api.data.FieldKind.MULTI_CATEGORICAL) {
        for (int[] bag : table.multiCategorical(f.name())) {
          for (int v : bag) {
            check(f, v);
          }
        }
      }
    }
  }

  private void check(FieldSpec f, int v) {
    if (v < 0 || v >= f.cardinality()) {
      throw new IllegalStateException("value " + v + " of " + f.side().name().toLowerCase() + " field '" + f.name()
          + "' is outside [0, " + f.cardinality() + ") in data set '" + split.dataset().name() + "'");
    }
  }

  /**
   * @param side which side's features
   * @param ids entity ids {@code [N]}
   * @param times example timestamps for sequence fields ({@code null} = the whole training history)
   */
  public FeatureBatch build(Side side, long[] ids, long[] times, NDManager manager) {
    FeatureTable table = side == Side.QUERY ? split.dataset().queryFeatures() : split.dataset().itemFeatures();
    int n = ids.length;
    Map<String, NDArray> out = new LinkedHashMap<>();
    NDArray idTensor = Tensors.create(manager, ids, new Shape(n)); // [N] int64
    for (FieldSpec f : fields.get(side)) {
      if (f.name().equals("id")) {
        continue;
      }
      switch (f.kind()) {
        case CATEGORICAL -> {
          int[] col = table.categorical(f.name());
          long[] v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = col[(int) ids[i]];
          }
          out.put(f.name(), Tensors.create(manager, v, new Shape(n))); // [N]
        }
        case MULTI_CATEGORICAL -> {
          int[][] col = table.multiCategorical(f.name());
          int len = f.maxLength();
          long[] v = new long[n * len];
          for (int i = 0; i < n; i++) {
            int[] bag = col[(int) ids[i]];
            for (int j = 0; j < Math.min(len, bag.length); j++) {
              v[i * len + j] = bag[j] + 1L;
            }
          }
          out.put(f.name(), Tensors.create(manager, v, new Shape(n, len))); // [N, L]
        }
        case DENSE -> {
          float[] col = table.dense(f.name());
          int d = f.dim();
          float[] v = new float[n * d];
          for (int i = 0; i < n; i++) {
            System.arraycopy(col, (int) ids[i] * d, v, i * d, d);
          }
          out.put(f.name(), Tensors.create(manager, v, new Shape(n, d))); // [N, dim]
        }
        case SEQUENCE -> out.put(f.name(), sequence(ids, times, f.maxLength(), manager)); // [N, L]
      }
    }
    return new FeatureBatch(side, ids, idTensor, out);
  }

  private NDArray sequence(long[] ids, long[] times, int len, NDManager manager) {
    int n = ids.length;
    long[] v = new long[n * len];
    for (int i = 0; i < n; i++) {
      int q = (int) ids[i];
      int from = seqOffsets[q];
      int to = seqOffsets[q + 1];
      if (times != null) {
        long t = times[i];
        int lo = from;
        int hi = to;
        while (lo < hi) { // first index with time >= t
          int mid = (lo + hi) >>> 1;
          if (seqTimes[mid] < t) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        to = lo;
      }
      int start = Math.max(from, to - len);
      int pad = len - (to - start);
      for (int j = start; j < to; j++) {
        v[i * len + pad + (j - start)] = seqItems[j] + 1L;
      }
    }
    return Tensors.create(manager, v, new Shape(n, len));
  }
}
