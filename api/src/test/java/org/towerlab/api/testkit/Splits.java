package org.towerlab.api.testkit;

import java.util.ArrayList;
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

/** Splits built from a few arguments: id-only splits and seeded taste-group data. */
public final class Splits {
  private Splits() {}

  /** A split with only {@code id} fields whose training positives are {@code train}; valid and test empty. */
  public static Split idsOnly(int numQueries, int numItems, InteractionLog train) {
    return idsOnly(numQueries, numItems, train, Logs.empty(), Logs.empty());
  }

  /** A split with only {@code id} fields and the given positive rows. */
  public static Split idsOnly(int numQueries, int numItems, InteractionLog train, InteractionLog valid,
      InteractionLog test) {
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, numQueries),
        FieldSpec.categorical("id", Side.ITEM, numItems)));
    Dataset ds = new Dataset("hand", QueryKind.USER, schema, FeatureTable.builder(Side.QUERY, numQueries).build(),
        FeatureTable.builder(Side.ITEM, numItems).build(), train, null, Map.of(), null);
    return new Split("hand", Map.of(), ds, train, valid, test, "positive");
  }

  /**
   * Seeded taste-group data: query field {@code group} ({@code u % groups}), item field
   * {@code genre} ({@code i % groups}, also the item category when {@code withCategories}); each of
   * {@code rows} training positives is a random user and an item of the user's genre with
   * probability about 0.8 + 0.2 / groups (else any item), at times {@code 0, 1, 2, ...}. Valid and
   * test hold the same rows (for code that only needs them non-empty).
   */
  public static Split grouped(int users, int items, int groups, int rows, long seed, boolean withCategories) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] group = new int[users];
    for (int u = 0; u < users; u++) {
      group[u] = u % groups;
    }
    int[] genre = new int[items];
    for (int i = 0; i < items; i++) {
      genre[i] = i % groups;
    }
    int[] q = new int[rows];
    int[] it = new int[rows];
    for (int r = 0; r < rows; r++) {
      q[r] = rng.nextInt(users);
      int item;
      do {
        item = rng.nextInt(items);
      } while (genre[item] != group[q[r]] && rng.nextDouble() < 0.8);
      it[r] = item;
    }
    Schema schema = new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, users),
        FieldSpec.categorical("group", Side.QUERY, groups),
        FieldSpec.categorical("id", Side.ITEM, items),
        FieldSpec.categorical("genre", Side.ITEM, groups)));
    InteractionLog log = Logs.pairs(q, it);
    Dataset ds = new Dataset("grouped", QueryKind.USER, schema,
        FeatureTable.builder(Side.QUERY, users).categorical("group", group).build(),
        FeatureTable.builder(Side.ITEM, items).categorical("genre", genre).build(), log,
        withCategories ? genre : null, Map.of(), null);
    return new Split("grouped", Map.of(), ds, log, log, log, "positive");
  }

  /**
   * Every (user, item) pair of the same group as a training positive: user u likes the items
   * {@code i} with {@code i % groups == u % groups}; fields as in {@link #grouped}.
   */
  public static Split groupedComplete(int users, int items, int groups) {
    List<int[]> pairs = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = u % groups; i < items; i += groups) {
        pairs.add(new int[] {u, i});
      }
    }
    Split base = grouped(users, items, groups, 1, 0, false);
    InteractionLog log = Logs.rows(pairs.toArray(new int[0][]), null);
    Dataset ds = new Dataset("grouped", QueryKind.USER, base.dataset().schema(), base.dataset().queryFeatures(),
        base.dataset().itemFeatures(), log, null, Map.of(), null);
    return new Split("grouped", Map.of(), ds, log, Logs.empty(), Logs.empty(), "positive");
  }
}
