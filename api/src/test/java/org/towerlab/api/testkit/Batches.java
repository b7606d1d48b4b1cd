package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
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
 * Builds {@link FeatureBatch}es for tests, following the batching rules of
 * {@link org.towerlab.api.data.FieldKind} literally (one loop per entity, no index): categorical
 * int64 {@code [N]}; multi-categorical int64 {@code [N, L]} of ids + 1, right-padded with 0;
 * dense float32 {@code [N, dim]}; sequences int64 {@code [N, L]}: the other side's ids + 1 of the
 * split's training positives of the entity strictly before the example time, the most recent
 * {@code L}, oldest first, left-padded with 0 (ties in log order; a query's sequence holds items, an
 * item's holds queries). A by-category sequence ({@link FieldSpec.ByCategory}) is int64
 * {@code [N, K, L]}: per context, the same rule restricted to the items of one category, with the
 * companion {@code <name>.category} {@code [N, K]} (category + 1, 0 = empty slot); the contexts are
 * the requested categories or, without a request, the query's {@code contexts} categories chosen by
 * the field's rule among its training positives before the example time. It is the slow reference
 * the trainer's {@code FeatureBatches} is tested against.
 */
public final class Batches {
  private final Split split;

  private Batches(Split split) {
    this.split = split;
  }

  /** A builder over a split's features (sequences from its training positives). */
  public static Batches of(Split split) {
    return new Batches(split);
  }

  /** The features of {@code ids} with the whole training history for sequence fields. */
  public FeatureBatch build(Side side, long[] ids, NDManager manager) {
    return build(side, ids, null, manager);
  }

  /**
   * @param times example times for sequence fields, or {@code null} for the whole training history
   */
  public FeatureBatch build(Side side, long[] ids, long[] times, NDManager manager) {
    return build(side, ids, times, null, manager);
  }

  /**
   * @param times example times for sequence fields, or {@code null} for the whole training history
   * @param categories the contexts of by-category sequences per entity (padded to the longest), or
   *     {@code null} for each query's own selection
   */
  public FeatureBatch build(Side side, long[] ids, long[] times, int[][] categories, NDManager manager) {
    FeatureTable table = side == Side.QUERY ? split.dataset().queryFeatures() : split.dataset().itemFeatures();
    int n = ids.length;
    Map<String, NDArray> fields = new LinkedHashMap<>();
    for (FieldSpec f : split.dataset().schema().side(side)) {
      if (f.name().equals("id")) {
        continue;
      }
      switch (f.kind()) {
        case CATEGORICAL -> {
          long[] v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = table.categorical(f.name())[(int) ids[i]];
          }
          fields.put(f.name(), Tensors.create(manager, v, new Shape(n))); // [N]
        }
        case MULTI_CATEGORICAL -> {
          int len = f.maxLength();
          long[] v = new long[n * len];
          for (int i = 0; i < n; i++) {
            int[] bag = table.multiCategorical(f.name())[(int) ids[i]];
            for (int j = 0; j < Math.min(len, bag.length); j++) {
              v[i * len + j] = bag[j] + 1L;
            }
          }
          fields.put(f.name(), Tensors.create(manager, v, new Shape(n, len))); // [N, L]
        }
        case DENSE -> {
          int d = f.dim();
          float[] v = new float[n * d];
          for (int i = 0; i < n; i++) {
            System.arraycopy(table.dense(f.name()), (int) ids[i] * d, v, i * d, d);
          }
          fields.put(f.name(), Tensors.create(manager, v, new Shape(n, d))); // [N, dim]
        }
        case SEQUENCE -> {
          if (f.isByCategory()) {
            byCategory(f, ids, times, categories, fields, manager);
            continue;
          }
          int len = f.maxLength();
          long[] v = new long[n * len];
          for (int i = 0; i < n; i++) {
            long[] seq = sequence(side, ids[i], times == null ? Long.MAX_VALUE : times[i], len);
            System.arraycopy(seq, 0, v, i * len + len - seq.length, seq.length);
          }
          fields.put(f.name(), Tensors.create(manager, v, new Shape(n, len))); // [N, L]
        }
      }
    }
    return new FeatureBatch(side, ids, Tensors.create(manager, ids.clone()), fields);
  }

  /** The other side's ids + 1 of the entity's training positives before {@code time}, the last {@code len}. */
  public long[] sequence(Side side, long entity, long time, int len) {
    InteractionLog train = split.train();
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    List<Integer> rows = new ArrayList<>();
    for (int r = 0; r < train.size(); r++) {
      int self = side == Side.QUERY ? train.queries()[r] : train.items()[r];
      if (self == entity && train.timestamps()[r] < time && (pos == null || pos[r] > 0)) {
        rows.add(r);
      }
    }
    rows.sort(java.util.Comparator.<Integer>comparingLong(r -> train.timestamps()[r]).thenComparingInt(r -> r));
    List<Integer> kept = rows.subList(Math.max(0, rows.size() - len), rows.size());
    long[] out = new long[kept.size()];
    for (int j = 0; j < out.length; j++) {
      int r = kept.get(j);
      out[j] = (side == Side.QUERY ? train.items()[r] : train.queries()[r]) + 1L;
    }
    return out;
  }

  private void byCategory(FieldSpec f, long[] ids, long[] times, int[][] requested, Map<String, NDArray> fields,
      NDManager manager) {
    int n = ids.length;
    int len = f.maxLength();
    int[][] contexts = new int[n][];
    int k = requested == null ? f.byCategory().contexts() : 1;
    for (int i = 0; i < n; i++) {
      long time = times == null ? Long.MAX_VALUE : times[i];
      contexts[i] = requested != null ? requested[i]
          : selectCategories(ids[i], time, f.byCategory().contexts(), f.byCategory().select());
      k = Math.max(k, contexts[i].length);
    }
    long[] v = new long[n * k * len];
    long[] c = new long[n * k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < contexts[i].length; j++) {
        if (contexts[i][j] < 0) {
          continue;
        }
        long[] seq = categorySequence(ids[i], contexts[i][j], times == null ? Long.MAX_VALUE : times[i], len);
        System.arraycopy(seq, 0, v, (i * k + j) * len + len - seq.length, seq.length);
        c[i * k + j] = contexts[i][j] + 1L;
      }
    }
    fields.put(f.name(), Tensors.create(manager, v, new Shape(n, k, len))); // [N, K, L]
    fields.put(FieldSpec.categoryField(f.name()), Tensors.create(manager, c, new Shape(n, k))); // [N, K]
  }

  /** Item ids + 1 of the query's training positives of {@code category} before {@code time}, the last {@code len}. */
  public long[] categorySequence(long query, int category, long time, int len) {
    InteractionLog train = split.train();
    int[] cat = split.dataset().itemCategory();
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    List<Integer> rows = new ArrayList<>();
    for (int r = 0; r < train.size(); r++) {
      if (train.queries()[r] == query && cat[train.items()[r]] == category && train.timestamps()[r] < time
          && (pos == null || pos[r] > 0)) {
        rows.add(r);
      }
    }
    rows.sort(java.util.Comparator.<Integer>comparingLong(r -> train.timestamps()[r]).thenComparingInt(r -> r));
    List<Integer> kept = rows.subList(Math.max(0, rows.size() - len), rows.size());
    long[] out = new long[kept.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = train.items()[kept.get(j)] + 1L;
    }
    return out;
  }

  /**
   * The query's serving contexts: at most {@code k} categories of its training positives before
   * {@code time}, by count (ties: later last positive, then lower id) or by recency (ties: count,
   * then lower id).
   */
  public int[] selectCategories(long query, long time, int k, FieldSpec.ByCategory.Select select) {
    InteractionLog train = split.train();
    int[] cat = split.dataset().itemCategory();
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    Map<Integer, long[]> stats = new java.util.TreeMap<>(); // category -> {count, last time}
    for (int r = 0; r < train.size(); r++) {
      if (train.queries()[r] == query && train.timestamps()[r] < time && (pos == null || pos[r] > 0)) {
        long[] s = stats.computeIfAbsent(cat[train.items()[r]], x -> new long[] {0, Long.MIN_VALUE});
        s[0]++;
        s[1] = Math.max(s[1], train.timestamps()[r]);
      }
    }
    List<Integer> cats = new ArrayList<>(stats.keySet());
    java.util.Comparator<Integer> count = java.util.Comparator.comparingLong(x -> -stats.get(x)[0]);
    java.util.Comparator<Integer> last = java.util.Comparator.comparingLong(x -> -stats.get(x)[1]);
    cats.sort((select == FieldSpec.ByCategory.Select.FREQUENCY ? count.thenComparing(last) : last.thenComparing(count))
        .thenComparingInt(x -> x));
    return cats.subList(0, Math.min(k, cats.size())).stream().mapToInt(Integer::intValue).toArray();
  }

  /** A batch with only the {@code id} field (for towers over ids). */
  public static FeatureBatch idsOnly(Side side, long[] ids, NDManager manager) {
    return new FeatureBatch(side, ids, Tensors.create(manager, ids.clone()), Map.of());
  }

  /** {@code long[]} from ints: {@code ids(0, 3, 5)}. */
  public static long[] ids(int... values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** {@code 0 .. n-1}. */
  public static long[] range(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
