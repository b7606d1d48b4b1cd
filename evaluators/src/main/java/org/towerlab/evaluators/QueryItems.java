package org.towerlab.evaluators;

import java.util.Arrays;
import org.towerlab.api.data.InteractionLog;

/** Groups the rows of an interaction log by query, once per evaluation. */
final class QueryItems {
  static final int[] EMPTY = new int[0];

  private QueryItems() {}

  /** One more than the largest query id of {@code log} (0 for an empty log). */
  static int queryBound(InteractionLog log) {
    int max = -1;
    for (int q : log.queries()) {
      max = Math.max(max, q);
    }
    return max + 1;
  }

  /**
   * The distinct items of each query, sorted ascending, for query ids in {@code [0, numQueries)}.
   * Rows of other queries are ignored, and so are rows whose {@code keep} value is not positive
   * ({@code keep == null} keeps every row). Queries without rows get an empty array.
   */
  static int[][] sortedDistinct(InteractionLog log, float[] keep, int numQueries) {
    int[] queries = log.queries();
    int[] items = log.items();
    int[] count = new int[numQueries];
    for (int r = 0; r < queries.length; r++) {
      int q = queries[r];
      if (q >= 0 && q < numQueries && (keep == null || keep[r] > 0f)) {
        count[q]++;
      }
    }
    int[][] out = new int[numQueries][];
    for (int q = 0; q < numQueries; q++) {
      out[q] = count[q] == 0 ? EMPTY : new int[count[q]];
      count[q] = 0;
    }
    for (int r = 0; r < queries.length; r++) {
      int q = queries[r];
      if (q >= 0 && q < numQueries && (keep == null || keep[r] > 0f)) {
        out[q][count[q]++] = items[r];
      }
    }
    for (int q = 0; q < numQueries; q++) {
      int[] a = out[q];
      if (a.length > 1) {
        Arrays.sort(a);
        int w = 1;
        for (int i = 1; i < a.length; i++) {
          if (a[i] != a[w - 1]) {
            a[w++] = a[i];
          }
        }
        out[q] = w == a.length ? a : Arrays.copyOf(a, w);
      }
    }
    return out;
  }

  /** The rows of each query id in {@code [0, numQueries)}, in log order. */
  static int[][] rowsByQuery(InteractionLog log, int numQueries) {
    int[] queries = log.queries();
    int[] count = new int[numQueries];
    for (int q : queries) {
      count[q]++;
    }
    int[][] out = new int[numQueries][];
    for (int q = 0; q < numQueries; q++) {
      out[q] = count[q] == 0 ? EMPTY : new int[count[q]];
      count[q] = 0;
    }
    for (int r = 0; r < queries.length; r++) {
      out[queries[r]][count[queries[r]]++] = r;
    }
    return out;
  }
}
