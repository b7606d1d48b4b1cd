package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.nn.Tensors;

/**
 * Turns entity ids into {@link FeatureBatch}es: one bulk {@code manager.create} per field.
 *
 * <p>Sequence fields are built from the training positives only ({@link FieldKind#SEQUENCE}): for
 * an example at time {@code t}, the entity's training positives with timestamp strictly before
 * {@code t}, the most recent {@code maxLength} of them, oldest first (ids + 1, left-padded with 0;
 * ties in log order). A query's sequence holds the items it engaged; an item's sequence holds the
 * queries that engaged it. At evaluation time ({@code times == null}) that is the whole training
 * history. Nothing from valid or test leaks into a sequence.
 *
 * <p>A by-category sequence ({@link FieldSpec.ByCategory}) is {@code [N, K, L]} with its companion
 * {@code <name>.category} {@code [N, K]}: per context, the query's training positives of one item
 * category strictly before the example time (the whole history without times), the most recent
 * {@code L}, oldest first. The contexts are the categories a caller requests
 * ({@link #build(Side, long[], long[], int[][], NDManager)}: in a training step, the target item's
 * category, {@link #targetCategories}); without a request, the query's {@code contexts} categories
 * chosen by the field's rule as of the same cutoff. Both go through {@link CategorySequences}.
 */
public final class FeatureBatches {
  private final Split split;
  private final Map<Side, List<FieldSpec>> fields = new LinkedHashMap<>();
  // per side: entity -> its training positives sorted by time (CSR layout), holding the other side's ids
  private final Map<Side, History> histories = new EnumMap<>(Side.class);
  // the query side's training positives grouped by item category (only with a by-category field)
  private final CategorySequences byCategory;

  /** The training positives of each entity of one side, sorted by time: rows {@code [offsets[e], offsets[e+1])}. */
  private record History(int[] offsets, int[] others, long[] times) {}

  public FeatureBatches(Split split) {
    this.split = split;
    for (Side s : Side.values()) {
      fields.put(s, split.dataset().schema().side(s));
      checkRanges(s);
      if (fields.get(s).stream().anyMatch(f -> f.kind() == FieldKind.SEQUENCE)) {
        histories.put(s, history(split.train(), s, s == Side.QUERY ? split.dataset().numQueries()
            : split.dataset().numItems()));
      }
    }
    byCategory = fields.get(Side.QUERY).stream().anyMatch(FieldSpec::isByCategory) ? categorySequences(split) : null;
  }

  private static CategorySequences categorySequences(Split split) {
    int[] category = split.dataset().itemCategory();
    String field = split.dataset().schema().side(Side.QUERY).stream().filter(FieldSpec::isByCategory).findFirst()
        .orElseThrow().name();
    if (category == null) {
      throw new UserException("The query field '" + field + "' of data set '" + split.dataset().name()
          + "' is a by-category sequence, but the data set has no item categories. Use a data set with item"
          + " categories, or turn the by-category sequence off in the data: section.");
    }
    for (int i = 0; i < category.length; i++) {
      if (category[i] < 0) {
        throw new UserException("Item " + i + " of data set '" + split.dataset().name() + "' has no category ("
            + category[i] + "), which the by-category sequence '" + field + "' needs for every item.");
      }
    }
    return new CategorySequences(split.train(), category, split.dataset().numQueries());
  }

  /**
   * The contexts of a training step's query batch: each row's target item's category, one per row
   * ({@code [B][1]}), or {@code null} when the query side has no by-category sequence.
   */
  public int[][] targetCategories(long[] items) {
    if (byCategory == null) {
      return null;
    }
    int[] category = split.dataset().itemCategory();
    int[][] out = new int[items.length][];
    for (int i = 0; i < items.length; i++) {
      out[i] = new int[] {category[(int) items[i]]};
    }
    return out;
  }

  private static History history(InteractionLog train, Side side, int entities) {
    int[] self = side == Side.QUERY ? train.queries() : train.items();
    int[] other = side == Side.QUERY ? train.items() : train.queries();
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    Integer[] order = new Integer[train.size()];
    int n = 0;
    for (int r = 0; r < train.size(); r++) {
      if (pos == null || pos[r] > 0) {
        order[n++] = r;
      }
    }
    Integer[] rows = Arrays.copyOf(order, n);
    Arrays.sort(rows, (a, b) -> {
      int c = Integer.compare(self[a], self[b]);
      if (c != 0) {
        return c;
      }
      c = Long.compare(train.timestamps()[a], train.timestamps()[b]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] offsets = new int[entities + 1];
    int[] others = new int[n];
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      offsets[self[r] + 1]++;
      others[i] = other[r];
      times[i] = train.timestamps()[r];
    }
    for (int e = 0; e < entities; e++) {
      offsets[e + 1] += offsets[e];
    }
    return new History(offsets, others, times);
  }

  /**
   * The example times of a training step's item batch, laid out as the step lays out its items:
   * each row's positive at the row's time, the {@code shared} candidates at the earliest row time
   * (they are scored by every row, so none sees another row's future), then each row's
   * {@code perQuery} candidates at the row's time.
   */
  public static long[] candidateTimes(long[] rowTimes, int shared, int perQuery) {
    int b = rowTimes.length;
    long[] out = new long[b + shared + b * perQuery];
    System.arraycopy(rowTimes, 0, out, 0, b);
    long earliest = Arrays.stream(rowTimes).min().orElse(Long.MAX_VALUE);
    Arrays.fill(out, b, b + shared, earliest);
    System.arraycopy(perRow(rowTimes, perQuery), 0, out, b + shared, b * perQuery);
    return out;
  }

  /** Each row's time repeated {@code k} times ({@code [B * k]}: the times of per-row candidate lists). */
  public static long[] perRow(long[] rowTimes, int k) {
    long[] out = new long[rowTimes.length * k];
    for (int i = 0; i < rowTimes.length; i++) {
      Arrays.fill(out, i * k, (i + 1) * k, rowTimes[i]);
    }
    return out;
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
      if (f.kind() == FieldKind.SEQUENCE) {
        Side other = side == Side.QUERY ? Side.ITEM : Side.QUERY;
        int expected = other == Side.QUERY ? split.dataset().numQueries() : split.dataset().numItems();
        if (f.cardinality() != expected) {
          String others = other == Side.QUERY ? "queries" : "items";
          throw new IllegalStateException("the " + side.name().toLowerCase() + " sequence field '" + f.name()
              + "' holds " + other.name().toLowerCase() + " ids, so its cardinality must be the number of " + others
              + ", " + expected + ", but it is " + f.cardinality() + " (data set '" + split.dataset().name() + "')");
        }
      } else if (f.kind() == FieldKind.CATEGORICAL) {
        for (int v : table.categorical(f.name())) {
          check(f, v);
        }
      } else if (f.kind() == FieldKind.MULTI_CATEGORICAL) {
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
    return build(side, ids, times, null, manager);
  }

  /**
   * @param side which side's features
   * @param ids entity ids {@code [N]}
   * @param times example timestamps for sequence fields ({@code null} = the whole training history)
   * @param categories the contexts of by-category sequences per entity ({@code [N][k_i]}, padded to
   *     {@code K = max k_i} with empty slots), or {@code null} for each query's own selection
   */
  public FeatureBatch build(Side side, long[] ids, long[] times, int[][] categories, NDManager manager) {
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
        case SEQUENCE -> {
          if (f.isByCategory()) {
            byCategory(f, ids, times, categories, out, manager); // [N, K, L] and [N, K]
          } else {
            out.put(f.name(), sequence(histories.get(side), ids, times, f.maxLength(), manager)); // [N, L]
          }
        }
      }
    }
    return new FeatureBatch(side, ids, idTensor, out);
  }

  private void byCategory(FieldSpec f, long[] ids, long[] times, int[][] requested, Map<String, NDArray> out,
      NDManager manager) {
    int n = ids.length;
    int len = f.maxLength();
    int[][] contexts = new int[n][];
    int k = requested == null ? f.byCategory().contexts() : 1;
    for (int i = 0; i < n; i++) {
      long cutoff = times == null ? Long.MAX_VALUE : times[i];
      contexts[i] = requested != null ? requested[i]
          : byCategory.select((int) ids[i], cutoff, f.byCategory().contexts(), f.byCategory().select());
      k = Math.max(k, contexts[i].length);
    }
    long[] seq = new long[n * k * len];
    long[] cat = new long[n * k];
    for (int i = 0; i < n; i++) {
      long cutoff = times == null ? Long.MAX_VALUE : times[i];
      for (int j = 0; j < contexts[i].length; j++) {
        int c = contexts[i][j];
        if (c >= 0) {
          byCategory.fill((int) ids[i], c, cutoff, len, seq, (i * k + j) * len);
          cat[i * k + j] = c + 1L;
        }
      }
    }
    out.put(f.name(), Tensors.create(manager, seq, new Shape(n, k, len))); // [N, K, L]
    out.put(FieldSpec.categoryField(f.name()), Tensors.create(manager, cat, new Shape(n, k))); // [N, K]
  }

  private static NDArray sequence(History h, long[] ids, long[] times, int len, NDManager manager) {
    int n = ids.length;
    long[] v = new long[n * len];
    for (int i = 0; i < n; i++) {
      int e = (int) ids[i];
      int from = h.offsets()[e];
      int to = h.offsets()[e + 1];
      if (times != null) {
        long t = times[i];
        int lo = from;
        int hi = to;
        while (lo < hi) { // first index with time >= t
          int mid = (lo + hi) >>> 1;
          if (h.times()[mid] < t) {
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
        v[i * len + pad + (j - start)] = h.others()[j] + 1L;
      }
    }
    return Tensors.create(manager, v, new Shape(n, len));
  }
}
