package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
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
import org.towerlab.api.model.InitContext;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * A tiny hand-built data set with a behaviour sequence: {@code USERS} users with a categorical
 * {@code group} (u % 2) and a {@code history} SEQUENCE field of length {@code T}; {@code ITEMS} items
 * with a categorical {@code genre} (i % 2). User u likes the items of genre u % 2; its history (as
 * the trainer would build it) is its liked items {@code (u + 2j) % ITEMS} for {@code j < u % (T+1)},
 * so user 0 has an empty history.
 */
final class Fixtures {
  static final int USERS = 12;
  static final int ITEMS = 10;
  static final int T = 4;

  private Fixtures() {}

  static Split split() {
    int[] group = new int[USERS];
    for (int u = 0; u < USERS; u++) {
      group[u] = u % 2;
    }
    int[] genre = new int[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      genre[i] = i % 2;
    }
    Schema schema = new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, USERS),
        FieldSpec.categorical("group", Side.QUERY, 2),
        FieldSpec.sequence("history", Side.QUERY, ITEMS, T),
        FieldSpec.categorical("id", Side.ITEM, ITEMS),
        FieldSpec.categorical("genre", Side.ITEM, 2)));
    FeatureTable qf = FeatureTable.builder(Side.QUERY, USERS).categorical("group", group).build();
    FeatureTable itf = FeatureTable.builder(Side.ITEM, ITEMS).categorical("genre", genre).build();
    int n = USERS * ITEMS / 2;
    int[] q = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    int r = 0;
    for (int u = 0; u < USERS; u++) {
      for (int i = u % 2; i < ITEMS; i += 2) {
        q[r] = u;
        it[r] = i;
        ts[r] = r;
        r++;
      }
    }
    float[] pos = new float[n];
    Arrays.fill(pos, 1f);
    InteractionLog log = new InteractionLog(q, it, ts, Map.of("positive", pos), null, null, null);
    Dataset ds = new Dataset("tiny-seq", QueryKind.USER, schema, qf, itf, log, genre, Map.of(), null);
    return new Split("hand", Map.of(), ds, log, log, log, null);
  }

  /** The history of user u, ids + 1, left-padded to T. */
  static long[] history(long u) {
    long[] h = new long[T];
    int len = (int) (u % (T + 1));
    for (int j = 0; j < len; j++) {
      h[T - len + j] = (u + 2L * j) % ITEMS + 1;
    }
    return h;
  }

  /** The features of {@code ids} on one side, built as the trainer does. */
  static FeatureBatch batch(Side side, long[] ids, NDManager m) {
    Map<String, NDArray> fields = new LinkedHashMap<>();
    long[] cat = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      cat[i] = ids[i] % 2;
    }
    fields.put(side == Side.QUERY ? "group" : "genre", Tensors.create(m, cat));
    if (side == Side.QUERY) {
      long[] seq = new long[ids.length * T];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(history(ids[i]), 0, seq, i * T, T);
      }
      fields.put("history", Tensors.create(m, seq, new Shape(ids.length, T)));
    }
    return new FeatureBatch(side, ids, Tensors.create(m, ids.clone()), fields);
  }

  static long[] range(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  /** A TARQ config with small widths; the other keys at their defaults unless given. */
  static TarqModelConfig config(int levels, int size, String update, Double teacherWeight, Double recWeight,
      Double alignWeight, Boolean backbone) {
    return config(levels, size, update, teacherWeight, recWeight, alignWeight, backbone, null);
  }

  static TarqModelConfig config(int levels, int size, String update, Double teacherWeight, Double recWeight,
      Double alignWeight, Boolean backbone, String backboneItem) {
    return new TarqModelConfig(null, null, null, 8, 4, List.of(8), 2, true, backbone, null, null, levels, size, update,
        null, null, null, null, null, null, null, teacherWeight, null, null, recWeight, alignWeight, null, null, 4,
        backboneItem);
  }

  /** A built and initialized TARQ model with its parameters. */
  record Built(TarqModel model, Params params) {}

  static Built tarq(TarqModelConfig config, NDManager manager, long seed) {
    TarqModel model = new TarqModel(config, "$.model");
    Params root = new Params(manager, new SplittableRandom(seed));
    model.initialize(new InitContext(root.scope("model"), split(), null));
    return new Built(model, root);
  }
}
