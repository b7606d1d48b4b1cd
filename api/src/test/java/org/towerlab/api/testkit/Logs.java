package org.towerlab.api.testkit;

import java.util.Arrays;
import java.util.Map;
import org.towerlab.api.data.InteractionLog;

/** Small interaction logs for tests. */
public final class Logs {
  private Logs() {}

  /** Rows {@code (queries[r], items[r])} at times {@code 0, 1, 2, ...}, label {@code positive} = 1. */
  public static InteractionLog pairs(int[] queries, int[] items) {
    long[] ts = new long[queries.length];
    Arrays.setAll(ts, r -> r);
    float[] ones = new float[queries.length];
    Arrays.fill(ones, 1f);
    return new InteractionLog(queries, items, ts, Map.of("positive", ones), null, null, null);
  }

  /**
   * Rows given as {@code {query, item}} pairs at times {@code 0, 1, 2, ...}, with the
   * {@code positive} label ({@code null}: 1 on every row).
   */
  public static InteractionLog rows(int[][] rows, float[] positive) {
    int[] q = new int[rows.length];
    int[] it = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      q[r] = rows[r][0];
      it[r] = rows[r][1];
    }
    InteractionLog log = pairs(q, it);
    return positive == null ? log : log.withLabel("positive", positive);
  }

  /** An empty log with a {@code positive} label. */
  public static InteractionLog empty() {
    return pairs(new int[0], new int[0]);
  }

  /** The rows of {@code log} whose {@code positive} label is above 0 (every row without the label). */
  public static InteractionLog positives(InteractionLog log) {
    if (!log.hasLabel("positive")) {
      return log;
    }
    float[] p = log.label("positive");
    boolean[] keep = new boolean[p.length];
    for (int r = 0; r < p.length; r++) {
      keep[r] = p[r] > 0;
    }
    return log.filter(keep);
  }
}
