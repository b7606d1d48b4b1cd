package org.towerlab.api.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;

/**
 * A hand-made data set small enough to check by eye: 4 users, 6 items, every field kind on both
 * sides, logged rows with shown negatives, an unexposed candidate, request ids, positions and
 * propensities.
 *
 * <pre>
 * query fields: id (4), age categorical (3) = {2, 0, 1, 1},
 *               tags multi-categorical (3, max 2) = {{0}, {1, 2}, {}, {2, 0, 1}},
 *               profile dense (2) = user u: (0.1 + 0.2u, 0.2 + 0.2u),
 *               history sequence of item ids (6, max 3)
 * item fields:  id (6), genres multi-categorical (4, max 2) = {{0, 2}, {}, {1, 2, 3}, {3}, {0}, {1, 0}},
 *               content dense (2) = item i: (i, i + 0.5),
 *               category categorical (3) = i % 3 (also {@link Dataset#itemCategory()}),
 *               viewers sequence of query ids (4, max 2)
 *
 * logged train rows (query, item, time, positive, request, position, propensity):
 *   r0  (0, 1, 10, 1, 100, 0, 0.5)     r6  (1, 2,  5, 0, 104, 1, 0.25)  shown, not engaged
 *   r1  (0, 2, 20, 1, 101, 0, 0.4)     r7  (2, 5, 15, 1, 105, 0, 0.5)
 *   r2  (0, 5, 25, 0, 101, 1, 0.2)     r8  (2, 3, 15, 0, 105, 9, 0.05)  candidate, never shown
 *   r3  (0, 3, 30, 1, 102, 0, 0.5)     r9  (3, 2, 12, 1, 106, 0, 0.5)
 *   r4  (0, 4, 40, 1, 103, 0, 0.5)     r10 (3, 1, 12, 1, 106, 1, 0.25)
 *   r5  (1, 0,  5, 1, 104, 0, 0.5)     r11 (3, 0, 12, 0, 106, 2, 0.125)
 * train positives (the rows with positive = 1, in log order):
 *   (0, 1, 10) (0, 2, 20) (0, 3, 30) (0, 4, 40) (1, 0, 5) (2, 5, 15) (3, 2, 12) (3, 1, 12)
 * valid: positives (0, 5, 50) (1, 3, 60) (3, 4, 70); logged besides: (1, 1, 60) shown, not engaged
 * test:  positives (0, 0, 80) (1, 4, 90) (2, 1, 95); logged besides: (2, 4, 95) shown, not engaged
 * </pre>
 *
 * Labels: {@code positive}, {@code click} (= positive) and {@code rating} (positive rows 4 or 5,
 * others 1 or 2). Sequences derived from the training positives strictly before time t (the rule of
 * {@link org.towerlab.api.data.FieldKind#SEQUENCE}): user 0 at 30 has history (1, 2); item 2 at 30
 * has viewers (3, 0) (query 3 at 12, then query 0 at 20).
 */
public final class TinyData {
  public static final int USERS = 4;
  public static final int ITEMS = 6;
  /** Names of the query fields besides {@code id}, in schema order. */
  public static final List<String> QUERY_FIELDS = List.of("age", "tags", "profile", "history");
  /** Names of the item fields besides {@code id}, in schema order. */
  public static final List<String> ITEM_FIELDS = List.of("genres", "content", "category", "viewers");

  private TinyData() {}

  public static Schema schema() {
    return new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, USERS),
        FieldSpec.categorical("age", Side.QUERY, 3),
        FieldSpec.multiCategorical("tags", Side.QUERY, 3, 2),
        FieldSpec.dense("profile", Side.QUERY, 2),
        FieldSpec.sequence("history", Side.QUERY, ITEMS, 3),
        FieldSpec.categorical("id", Side.ITEM, ITEMS),
        FieldSpec.multiCategorical("genres", Side.ITEM, 4, 2),
        FieldSpec.dense("content", Side.ITEM, 2),
        FieldSpec.categorical("category", Side.ITEM, 3),
        FieldSpec.sequence("viewers", Side.ITEM, USERS, 2)));
  }

  public static FeatureTable queryFeatures() {
    float[] profile = new float[USERS * 2];
    for (int u = 0; u < USERS; u++) {
      profile[2 * u] = 0.1f + 0.2f * u;
      profile[2 * u + 1] = 0.2f + 0.2f * u;
    }
    return FeatureTable.builder(Side.QUERY, USERS)
        .categorical("age", new int[] {2, 0, 1, 1})
        .multiCategorical("tags", new int[][] {{0}, {1, 2}, {}, {2, 0, 1}})
        .dense("profile", profile, 2)
        .build();
  }

  public static FeatureTable itemFeatures() {
    float[] content = new float[ITEMS * 2];
    for (int i = 0; i < ITEMS; i++) {
      content[2 * i] = i;
      content[2 * i + 1] = i + 0.5f;
    }
    return FeatureTable.builder(Side.ITEM, ITEMS)
        .multiCategorical("genres", new int[][] {{0, 2}, {}, {1, 2, 3}, {3}, {0}, {1, 0}})
        .dense("content", content, 2)
        .categorical("category", itemCategory())
        .build();
  }

  /** The primary category of each item: {@code i % 3}. */
  public static int[] itemCategory() {
    return new int[] {0, 1, 2, 0, 1, 2};
  }

  /** Every logged training row (12), as in the table above. */
  public static InteractionLog loggedTrain() {
    return log(
        new int[] {0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3},
        new int[] {1, 2, 5, 3, 4, 0, 2, 5, 3, 2, 1, 0},
        new long[] {10, 20, 25, 30, 40, 5, 5, 15, 15, 12, 12, 12},
        new float[] {1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0},
        new long[] {100, 101, 101, 102, 103, 104, 104, 105, 105, 106, 106, 106},
        new int[] {0, 0, 1, 0, 0, 0, 1, 0, 9, 0, 1, 2},
        new float[] {0.5f, 0.4f, 0.2f, 0.5f, 0.5f, 0.5f, 0.25f, 0.5f, 0.05f, 0.5f, 0.25f, 0.125f},
        new boolean[] {true, true, true, true, true, true, true, true, false, true, true, true});
  }

  public static InteractionLog loggedValid() {
    return log(new int[] {0, 1, 1, 3}, new int[] {5, 3, 1, 4}, new long[] {50, 60, 60, 70},
        new float[] {1, 1, 0, 1}, new long[] {200, 201, 201, 202}, new int[] {0, 0, 1, 0},
        new float[] {0.5f, 0.5f, 0.25f, 0.5f}, null);
  }

  public static InteractionLog loggedTest() {
    return log(new int[] {0, 1, 2, 2}, new int[] {0, 4, 1, 4}, new long[] {80, 90, 95, 95},
        new float[] {1, 1, 1, 0}, new long[] {300, 301, 302, 302}, new int[] {0, 0, 0, 1},
        new float[] {0.5f, 0.5f, 0.5f, 0.25f}, null);
  }

  /** The data set; its log is every logged row of the three parts. */
  public static Dataset dataset() {
    InteractionLog all = concat(loggedTrain(), loggedValid(), loggedTest());
    return new Dataset("tiny", QueryKind.USER, schema(), queryFeatures(), itemFeatures(), all, itemCategory(),
        Map.of(), null);
  }

  /** The split with positive rows and logged rows (the {@code ctr}-like view of the log). */
  public static Split split() {
    return new Split("tiny", Map.of(), dataset(), Logs.positives(loggedTrain()), Logs.positives(loggedValid()),
        Logs.positives(loggedTest()), new Split.Logged(loggedTrain(), loggedValid(), loggedTest()), "positive");
  }

  /**
   * {@link #split()} whose query side also has the by-category sequence {@code category-history}
   * (items by category {@code i % 3}, length 2, {@code contexts} contexts chosen by frequency;
   * {@link FieldSpec.ByCategory}). User 0's training positives by category: 0 = {3 at 30},
   * 1 = {1 at 10, 4 at 40}, 2 = {2 at 20}; its whole-history contexts by frequency are 1, then 0
   * (the later last positive of the categories with one each).
   */
  public static Split byCategorySplit(int contexts) {
    java.util.List<FieldSpec> fields = new java.util.ArrayList<>(schema().fields());
    fields.add(5, FieldSpec.categorySequence("category-history", ITEMS, 2,
        new FieldSpec.ByCategory(contexts, FieldSpec.ByCategory.Select.FREQUENCY)));
    Dataset d = dataset();
    Dataset withField = new Dataset("tiny-by-category", d.queryKind(), new Schema(fields), d.queryFeatures(),
        d.itemFeatures(), d.log(), d.itemCategory(), d.files(), d.groundTruth());
    Split s = split();
    return new Split("tiny-by-category", s.settings(), withField, s.train(), s.valid(), s.test(),
        new Split.Logged(loggedTrain(), loggedValid(), loggedTest()), "positive");
  }

  /** The same positives without logged rows (the retrieval-protocol view: interactions only). */
  public static Split positivesOnly() {
    Split s = split();
    return new Split("tiny-positives", Map.of(), s.dataset(), s.train(), s.valid(), s.test(), "positive");
  }

  private static InteractionLog log(int[] q, int[] items, long[] ts, float[] positive, long[] requests,
      int[] positions, float[] propensities, boolean[] exposed) {
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("positive", positive);
    labels.put("click", positive.clone());
    float[] rating = new float[positive.length];
    for (int r = 0; r < rating.length; r++) {
      rating[r] = positive[r] > 0 ? 4 + r % 2 : 1 + r % 2;
    }
    labels.put("rating", rating);
    boolean[] shown = exposed;
    if (shown == null) {
      shown = new boolean[q.length];
      java.util.Arrays.fill(shown, true);
    }
    return new InteractionLog(q, items, ts, labels, shown, positions, propensities, requests);
  }

  private static InteractionLog concat(InteractionLog... logs) {
    int n = 0;
    for (InteractionLog l : logs) {
      n += l.size();
    }
    int[] q = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    boolean[] ex = new boolean[n];
    int[] pos = new int[n];
    float[] pr = new float[n];
    long[] rq = new long[n];
    Map<String, float[]> labels = new LinkedHashMap<>();
    for (String name : logs[0].labelNames()) {
      labels.put(name, new float[n]);
    }
    int at = 0;
    for (InteractionLog l : logs) {
      int m = l.size();
      System.arraycopy(l.queries(), 0, q, at, m);
      System.arraycopy(l.items(), 0, it, at, m);
      System.arraycopy(l.timestamps(), 0, ts, at, m);
      System.arraycopy(l.exposed(), 0, ex, at, m);
      System.arraycopy(l.positions(), 0, pos, at, m);
      System.arraycopy(l.propensities(), 0, pr, at, m);
      System.arraycopy(l.requests(), 0, rq, at, m);
      for (Map.Entry<String, float[]> e : labels.entrySet()) {
        System.arraycopy(l.label(e.getKey()), 0, e.getValue(), at, m);
      }
      at += m;
    }
    return new InteractionLog(q, it, ts, labels, ex, pos, pr, rq);
  }
}
