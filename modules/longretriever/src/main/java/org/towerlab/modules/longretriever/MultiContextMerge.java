package org.towerlab.modules.longretriever;

import java.util.Arrays;

/**
 * The multi-context merge of one user's retrievals (LongRetriever's multi-context retrieval; the
 * quotas, the restriction and the order are our proposals [I], see
 * {@code docs/methods/longretriever.md}). Given the scores {@code s_j(i)} of every item under each
 * of the user's K contexts (category {@code c_j}, share {@code w_j}):
 * <ol>
 *   <li>quotas: {@code q_j} = the largest-remainder rounding of {@code budget * w_j / sum_j w_j}
 *       (remainder ties to the earlier context), so {@code sum_j q_j = budget};
 *   <li>retrieval, contexts in order: context j takes its {@code q_j} best items by {@code s_j}
 *       (ties to the lower item id) among the items not excluded, not taken by an earlier context
 *       and, with {@code restrict}, of category {@code c_j}; a context with fewer such items takes
 *       what there is (its unused quota is not passed on);
 *   <li>the merged list: the retrieved items ordered by the score under the context that retrieved
 *       them (descending, ties to the lower id);
 *   <li>then every other item not excluded, by its best context score {@code max_j s_j(i)};
 *   <li>then the excluded items, by id.
 * </ol>
 * With one context and {@code restrict = false} this is the order by that context's score.
 */
public final class MultiContextMerge {
  private MultiContextMerge() {}

  /**
   * Each context's quota: largest remainder of {@code budget * w_j / sum w} (ties: earlier context).
   */
  public static int[] quotas(double[] weights, int budget) {
    int k = weights.length;
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    int[] q = new int[k];
    double[] rest = new double[k];
    int given = 0;
    for (int j = 0; j < k; j++) {
      double exact = budget * weights[j] / total;
      q[j] = (int) Math.floor(exact);
      rest[j] = exact - q[j];
      given += q[j];
    }
    Integer[] order = new Integer[k];
    for (int j = 0; j < k; j++) {
      order[j] = j;
    }
    Arrays.sort(order, (a, b) -> rest[a] != rest[b] ? Double.compare(rest[b], rest[a]) : Integer.compare(a, b));
    for (int r = 0; given < budget; r++, given++) {
      q[order[r % k]]++;
    }
    return q;
  }

  /**
   * @param scores {@code [K][N]}: every item's score under each context
   * @param contextCategory each context's category ({@code [K]})
   * @param weights each context's share ({@code [K]}, positive)
   * @param budget the merged list's length (sum of the quotas)
   * @param restrict whether a context retrieves only items of its category
   * @param itemCategory each item's category ({@code [N]})
   * @param exclude sorted item ids to keep out of the quotas and rank last, or {@code null}
   * @return every item id {@code 0..N-1} once, best first
   */
  public static int[] merge(float[][] scores, int[] contextCategory, double[] weights, int budget, boolean restrict,
      int[] itemCategory, int[] exclude) {
    int k = scores.length;
    int n = itemCategory.length;
    boolean[] excluded = new boolean[n];
    if (exclude != null) {
      for (int i : exclude) {
        excluded[i] = true;
      }
    }
    int[] quota = quotas(weights, budget);
    boolean[] taken = new boolean[n];
    long[] merged = new long[Math.min(budget, n)];
    int m = 0;
    for (int j = 0; j < k; j++) {
      long[] keys = new long[n];
      int c = 0;
      for (int i = 0; i < n; i++) {
        if (!excluded[i] && !taken[i] && (!restrict || itemCategory[i] == contextCategory[j])) {
          keys[c++] = key(scores[j][i], i);
        }
      }
      Arrays.sort(keys, 0, c);
      for (int r = 0; r < Math.min(quota[j], c); r++) {
        int item = id(keys[r]);
        taken[item] = true;
        merged[m++] = keys[r]; // keyed by the retrieving context's score
      }
    }
    Arrays.sort(merged, 0, m);
    int[] out = new int[n];
    int at = 0;
    for (int r = 0; r < m; r++) {
      out[at++] = id(merged[r]);
    }
    long[] tail = new long[n - m];
    int t = 0;
    for (int i = 0; i < n; i++) {
      if (!taken[i] && !excluded[i]) {
        float best = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          best = Math.max(best, scores[j][i]);
        }
        tail[t++] = key(best, i);
      }
    }
    Arrays.sort(tail, 0, t);
    for (int r = 0; r < t; r++) {
      out[at++] = id(tail[r]);
    }
    for (int i = 0; i < n; i++) {
      if (excluded[i]) {
        out[at++] = i;
      }
    }
    return out;
  }

  /** The whole corpus by one score (descending, ties to the lower id), excluded items last by id. */
  public static int[] order(float[] scores, int[] exclude) {
    int n = scores.length;
    boolean[] excluded = new boolean[n];
    if (exclude != null) {
      for (int i : exclude) {
        excluded[i] = true;
      }
    }
    long[] keys = new long[n];
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (!excluded[i]) {
        keys[c++] = key(scores[i], i);
      }
    }
    Arrays.sort(keys, 0, c);
    int[] out = new int[n];
    for (int r = 0; r < c; r++) {
      out[r] = id(keys[r]);
    }
    for (int i = 0; i < n; i++) {
      if (excluded[i]) {
        out[c++] = i;
      }
    }
    return out;
  }

  /**
   * A sort key whose ascending order is score descending, then id ascending: the high 32 bits are
   * {@code -score} mapped to an order-preserving int, the low 32 bits the id.
   */
  static long key(float score, int id) {
    int bits = Float.floatToIntBits(-score + 0.0f); // + 0.0f turns -0.0 into 0.0
    bits ^= (bits >> 31) & 0x7fffffff; // negative floats: reverse their magnitude order
    return ((long) bits << 32) | (id & 0xffffffffL);
  }

  static int id(long key) {
    return (int) key;
  }
}
