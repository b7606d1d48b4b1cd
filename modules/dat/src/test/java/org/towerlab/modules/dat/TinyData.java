package org.towerlab.modules.dat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.nn.Tensors;

/**
 * A small hand-built data set: users with {@code id} and {@code age} (3 buckets), items with
 * {@code id} and {@code genre} (= the item's category), random implicit interactions where a user
 * prefers the genre {@code user % categories}.
 */
final class TinyData {
  static final int AGES = 3;

  private TinyData() {}

  static Split split(int users, int items, int categories, int rows, long seed, boolean withCategories) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] age = new int[users];
    for (int u = 0; u < users; u++) {
      age[u] = u % AGES;
    }
    int[] genre = new int[items];
    for (int i = 0; i < items; i++) {
      genre[i] = i % categories;
    }
    int[] q = new int[rows];
    int[] it = new int[rows];
    long[] ts = new long[rows];
    float[] positive = new float[rows];
    for (int r = 0; r < rows; r++) {
      q[r] = rng.nextInt(users);
      int liked = q[r] % categories;
      int item;
      do {
        item = rng.nextInt(items);
      } while (genre[item] != liked && rng.nextDouble() < 0.8);
      it[r] = item;
      ts[r] = r;
      positive[r] = 1f;
    }
    Schema schema = new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, users),
        FieldSpec.categorical("age", Side.QUERY, AGES),
        FieldSpec.categorical("id", Side.ITEM, items),
        FieldSpec.categorical("genre", Side.ITEM, categories)));
    FeatureTable qt = FeatureTable.builder(Side.QUERY, users).categorical("age", age).build();
    FeatureTable itb = FeatureTable.builder(Side.ITEM, items).categorical("genre", genre).build();
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("positive", positive);
    InteractionLog log = new InteractionLog(q, it, ts, labels, null, null, null);
    Dataset ds = new Dataset("tiny", QueryKind.USER, schema, qt, itb, log, withCategories ? genre : null,
        Map.of(), null);
    return new Split("test", Map.of(), ds, log, log, log, "positive");
  }

  /** The features of {@code ids} on one side, on {@code manager}. */
  static FeatureBatch batch(Split split, Side side, long[] ids, NDManager manager) {
    FeatureTable table = side == Side.QUERY ? split.dataset().queryFeatures() : split.dataset().itemFeatures();
    String field = side == Side.QUERY ? "age" : "genre";
    int[] column = table.categorical(field);
    long[] values = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      values[i] = column[Math.toIntExact(ids[i])];
    }
    Map<String, NDArray> fields = Map.of(field, Tensors.create(manager, values));
    return new FeatureBatch(side, ids, Tensors.create(manager, ids), fields);
  }

  static long[] ids(int... values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
