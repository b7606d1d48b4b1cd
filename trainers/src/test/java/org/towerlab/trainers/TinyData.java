package org.towerlab.trainers;

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
 * A hand-made split small enough to check by eye: 4 users, 6 items, every field kind, no
 * propensities.
 *
 * <pre>
 * train (query, item, time, positive):
 *   0: (1, 10, 1) (2, 20, 1) (5, 25, 0) (3, 30, 1) (4, 40, 1)
 *   1: (0, 5, 1)
 *   2: (5, 15, 1)
 *   3: (2, 12, 1) (1, 12, 1)
 * valid: (0, 5, 50) (1, 3, 60) (3, 4, 70)
 * test:  (0, 0, 80) (1, 4, 90) (2, 1, 95)
 * </pre>
 */
final class TinyData {
  private TinyData() {}

  static final int USERS = 4;
  static final int ITEMS = 6;

  static Dataset dataset() {
    Schema schema = new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, USERS),
        FieldSpec.categorical("age", Side.QUERY, 3),
        FieldSpec.sequence("history", Side.QUERY, ITEMS, 3),
        FieldSpec.categorical("id", Side.ITEM, ITEMS),
        FieldSpec.multiCategorical("genres", Side.ITEM, 4, 2),
        FieldSpec.dense("content", Side.ITEM, 2)));
    FeatureTable queries = FeatureTable.builder(Side.QUERY, USERS).categorical("age", new int[] {2, 0, 1, 1}).build();
    FeatureTable items = FeatureTable.builder(Side.ITEM, ITEMS)
        .multiCategorical("genres", new int[][] {{0, 2}, {}, {1, 2, 3}, {3}, {0}, {1, 0}})
        .dense("content", new float[] {0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f, 4f, 4.5f, 5f, 5.5f}, 2)
        .build();
    InteractionLog log = log(new int[] {0}, new int[] {0}, new long[] {0}, new float[] {1});
    return new Dataset("tiny", QueryKind.USER, schema, queries, items, log, null, Map.of(), null);
  }

  static Split split() {
    InteractionLog train = log(
        new int[] {0, 0, 0, 0, 0, 1, 2, 3, 3},
        new int[] {1, 2, 5, 3, 4, 0, 5, 2, 1},
        new long[] {10, 20, 25, 30, 40, 5, 15, 12, 12},
        new float[] {1, 1, 0, 1, 1, 1, 1, 1, 1});
    InteractionLog valid = log(new int[] {0, 1, 3}, new int[] {5, 3, 4}, new long[] {50, 60, 70}, new float[] {1, 1, 1});
    InteractionLog test = log(new int[] {0, 1, 2}, new int[] {0, 4, 1}, new long[] {80, 90, 95}, new float[] {1, 1, 1});
    return new Split("hand-made", Map.of(), dataset(), train, valid, test, "positive");
  }

  private static InteractionLog log(int[] q, int[] items, long[] ts, float[] positive) {
    return new InteractionLog(q, items, ts, Map.of("positive", positive), null, null, null);
  }
}
