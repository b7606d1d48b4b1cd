package org.towerlab.modules.metarelated;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/**
 * A hand-made user-level data set to build pairs from: 2 users, 6 items (original ids a..f).
 *
 * <pre>
 * item fields: genres {0,1} {1} {2} {0,1,2} {3} {3}; year 3 3 0 5 2 2 (0 = unknown);
 *              content (1,0) (1,1) (0,1) (1,0) (-1,0) (-1,0.1); category 0 0 1 0 2 2
 * user 0: item 0 @10 rating 5, item 1 @20 4, item 2 @30 2, item 3 @40 5, item 1 @50 5
 * user 1: item 4 @15 rating 5, item 5 @25 5
 * </pre>
 */
final class RelatedFixtures {
  static final String[] KEYS = {"a", "b", "c", "d", "e", "f"};

  private RelatedFixtures() {}

  static Dataset users() {
    Schema schema = new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, 2),
        FieldSpec.categorical("id", Side.ITEM, 6),
        FieldSpec.multiCategorical("genres", Side.ITEM, 4, 3),
        FieldSpec.categorical("year", Side.ITEM, 6),
        FieldSpec.dense("content", Side.ITEM, 2),
        FieldSpec.sequence("viewers", Side.ITEM, 2, 2)));
    FeatureTable q = FeatureTable.builder(Side.QUERY, 2).build();
    FeatureTable items = FeatureTable.builder(Side.ITEM, 6)
        .multiCategorical("genres", new int[][] {{0, 1}, {1}, {2}, {0, 1, 2}, {3}, {3}})
        .categorical("year", new int[] {3, 3, 0, 5, 2, 2})
        .dense("content", new float[] {1, 0, 1, 1, 0, 1, 1, 0, -1, 0, -1, 0.1f}, 2)
        .keys(KEYS)
        .build();
    int[][] rows = {{0, 0, 10, 5}, {0, 1, 20, 4}, {0, 2, 30, 2}, {0, 3, 40, 5}, {0, 1, 50, 5}, {1, 4, 15, 5},
        {1, 5, 25, 5}};
    InteractionLog log = log(rows, null);
    return new Dataset("hand", QueryKind.USER, schema, q, items, log, new int[] {0, 0, 1, 0, 2, 2}, Map.of(), null);
  }

  /** Rows (user, item, time, rating), with an optional exposure column. */
  static InteractionLog log(int[][] rows, boolean[] exposed) {
    int n = rows.length;
    int[] u = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    float[] rating = new float[n];
    for (int r = 0; r < n; r++) {
      u[r] = rows[r][0];
      it[r] = rows[r][1];
      ts[r] = rows[r][2];
      rating[r] = rows[r][3];
    }
    return new InteractionLog(u, it, ts, Map.of("rating", rating), exposed, null, null);
  }

  /** A source returning {@code data}. */
  static DataSource source(Dataset data) {
    return () -> data;
  }

  /** A co-engagement config over a dummy source config (the source object is passed separately). */
  static CoEngagementConfig config(Integer window, Boolean symmetric, String unengaged, RelevanceConfig relevance,
      List<VectorFileConfig> vectors) {
    return new CoEngagementConfig(new DummySource(), null, "rating", 4.0, window, null, symmetric, unengaged, relevance,
        vectors, null);
  }

  /** The pairs of a log as {seed, item, time, engagement} rows, in log order. */
  static List<long[]> pairs(InteractionLog log) {
    List<long[]> out = new ArrayList<>();
    for (int r = 0; r < log.size(); r++) {
      out.add(new long[] {log.queries()[r], log.items()[r], log.timestamps()[r],
          (long) log.label(CoEngagement.ENGAGEMENT)[r]});
    }
    return out;
  }

  /** A data config that is never built (tests pass the source object directly). */
  record DummySource() implements org.towerlab.api.config.ComponentConfig.Data {
    @Override
    public org.towerlab.api.config.ComponentConfig.Protocol protocol() {
      return null;
    }
  }
}
