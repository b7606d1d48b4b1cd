package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
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
import org.towerlab.api.nn.Params;

/**
 * A tiny hand-built data set: {@code USERS} users with a categorical {@code group} (u % 2) and
 * {@code ITEMS} items with a categorical {@code genre} (i % 2), so each side has F = 2 fields (id
 * and one feature); user u likes the items of genre u % 2 (the training log holds every such pair).
 */
final class Fixtures {
  static final int USERS = 12;
  static final int ITEMS = 10;

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
        FieldSpec.categorical("id", Side.ITEM, ITEMS),
        FieldSpec.categorical("genre", Side.ITEM, 2)));
    FeatureTable qf = FeatureTable.builder(Side.QUERY, USERS).categorical("group", group).build();
    FeatureTable itf = FeatureTable.builder(Side.ITEM, ITEMS).categorical("genre", genre).build();
    int n = USERS * ITEMS / 2;
    int[] q = new int[n];
    int[] it = new int[n];
    int r = 0;
    for (int u = 0; u < USERS; u++) {
      for (int i = u % 2; i < ITEMS; i += 2) {
        q[r] = u;
        it[r] = i;
        r++;
      }
    }
    float[] pos = new float[n];
    java.util.Arrays.fill(pos, 1f);
    InteractionLog log = new InteractionLog(q, it, new long[n], Map.of("positive", pos), null, null, null);
    Dataset ds = new Dataset("tiny", QueryKind.USER, schema, qf, itf, log, null, Map.of(), null);
    InteractionLog empty = log.select(new int[0]);
    return new Split("hand", Map.of(), ds, log, empty, empty, null);
  }

  /** A feature batch of the given ids, built as the trainer does. */
  static FeatureBatch batch(Side side, long[] ids, NDManager m) {
    Map<String, NDArray> fields = new HashMap<>();
    long[] cat = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      cat[i] = ids[i] % 2;
    }
    fields.put(side == Side.QUERY ? "group" : "genre", org.towerlab.api.nn.Tensors.create(m, cat));
    return new FeatureBatch(side, ids, org.towerlab.api.nn.Tensors.create(m, ids.clone()), fields);
  }

  /** A user tower config: e = 4, the given layers, heads and fe-layers, no dropout, CIR weight w at tau 0.5. */
  static IntTowerUserTowerConfig user(List<Integer> hidden, int heads, int headDim, String feLayers, double cir) {
    return new IntTowerUserTowerConfig(null, 4, true, hidden, heads, headDim, feLayers, 0.0, null, cir, 0.5);
  }

  /** An item tower config: e = 4, the given layers and heads, no dropout. */
  static IntTowerItemTowerConfig item(List<Integer> hidden, int heads, int headDim) {
    return new IntTowerItemTowerConfig(null, 4, true, hidden, heads, headDim, 0.0, null);
  }

  /** Both towers initialized under {@code model.query-tower} / {@code model.item-tower} of {@code params}. */
  static Towers towers(Params params, IntTowerUserTowerConfig user, IntTowerItemTowerConfig item) {
    Split split = split();
    IntTowerUserTower q = new IntTowerUserTower(user, "$.model.query-tower");
    IntTowerItemTower i = new IntTowerItemTower(item, "$.model.item-tower");
    q.initialize(new org.towerlab.api.model.InitContext(params.scope("model").scope("query-tower"), split, Side.QUERY));
    i.initialize(new org.towerlab.api.model.InitContext(params.scope("model").scope("item-tower"), split, Side.ITEM));
    return new Towers(q, i);
  }

  static Params params(NDManager root, long seed) {
    return new Params(root, new SplittableRandom(seed));
  }

  record Towers(IntTowerUserTower user, IntTowerItemTower item) {}
}
