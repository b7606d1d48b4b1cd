package org.towerlab.trainers;

import java.util.Arrays;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;

/**
 * The training positives of each query grouped by the category of their item, for by-category
 * sequence fields ({@link FieldSpec.ByCategory}; LongRetriever, Ren et al., arXiv 2508.15486,
 * 2025). One instance serves training (the target's category, dated by the example) and
 * evaluation (the selected categories, whole history) through the same two functions:
 * {@link #fill} (one context's sub-sequence) and {@link #select} (which categories), so a
 * sub-sequence depends only on (query, category, cutoff).
 *
 * <p>Layout: rows sorted by (query, category, time, log order); a group is the rows of one
 * (query, category), {@code [groupStart[g], groupStart[g + 1])}; the groups of query {@code q} are
 * {@code [queryStart[q], queryStart[q + 1])}, in increasing category.
 */
public final class CategorySequences {
  private final int[] queryStart;
  private final int[] groupCategory;
  private final int[] groupStart;
  private final int[] items;
  private final long[] times;

  /**
   * @param train the training part (rows with {@code positive} = 0, if the label exists, are left out)
   * @param itemCategory each item's category (non-negative)
   * @param numQueries the number of queries
   */
  public CategorySequences(InteractionLog train, int[] itemCategory, int numQueries) {
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    int[] q = train.queries();
    int[] it = train.items();
    long[] ts = train.timestamps();
    int n = 0;
    Integer[] rows = new Integer[train.size()];
    for (int r = 0; r < train.size(); r++) {
      if (pos == null || pos[r] > 0) {
        rows[n++] = r;
      }
    }
    rows = Arrays.copyOf(rows, n);
    Arrays.sort(rows, (a, b) -> {
      int c = Integer.compare(q[a], q[b]);
      if (c == 0) {
        c = Integer.compare(itemCategory[it[a]], itemCategory[it[b]]);
      }
      if (c == 0) {
        c = Long.compare(ts[a], ts[b]);
      }
      return c != 0 ? c : Integer.compare(a, b);
    });
    items = new int[n];
    times = new long[n];
    int[] gCat = new int[n];
    int[] gStart = new int[n + 1];
    queryStart = new int[numQueries + 1];
    int groups = 0;
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      items[i] = it[r];
      times[i] = ts[r];
      int cat = itemCategory[it[r]];
      if (i == 0 || q[rows[i - 1]] != q[r] || gCat[groups - 1] != cat) {
        gCat[groups] = cat;
        gStart[groups] = i;
        queryStart[q[r] + 1]++;
        groups++;
      }
    }
    gStart[groups] = n;
    for (int e = 0; e < numQueries; e++) {
      queryStart[e + 1] += queryStart[e];
    }
    groupCategory = Arrays.copyOf(gCat, groups);
    groupStart = Arrays.copyOf(gStart, groups + 1);
  }

  /** The group of (query, category), or -1 when the query has no training positive of that category. */
  private int group(int query, int category) {
    int lo = queryStart[query];
    int hi = queryStart[query + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = groupCategory[mid];
      if (c < category) {
        lo = mid + 1;
      } else if (c > category) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The end of the group's rows strictly before {@code cutoff} (first index with time >= cutoff). */
  private int end(int g, long cutoff) {
    int lo = groupStart[g];
    int hi = groupStart[g + 1];
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] < cutoff) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Writes the sub-sequence of (query, category) into {@code out[offset, offset + len)}: item ids + 1
   * of the query's most recent {@code len} training positives of that category strictly before
   * {@code cutoff}, oldest first, left-padded with 0 (a category the query never engaged, or a
   * negative category = an empty slot, gives all zeros).
   */
  public void fill(int query, int category, long cutoff, int len, long[] out, int offset) {
    Arrays.fill(out, offset, offset + len, 0L);
    int g = category < 0 ? -1 : group(query, category);
    if (g < 0) {
      return;
    }
    int to = end(g, cutoff);
    int from = Math.max(groupStart[g], to - len);
    int pad = len - (to - from);
    for (int j = from; j < to; j++) {
      out[offset + pad + (j - from)] = items[j] + 1L;
    }
  }

  /** {@link #fill} into a new array of length {@code len}. */
  public long[] sequence(int query, int category, long cutoff, int len) {
    long[] out = new long[len];
    fill(query, category, cutoff, len, out, 0);
    return out;
  }

  /**
   * The serving contexts of {@code query} as of {@code cutoff}: at most {@code k} of the categories
   * of its training positives strictly before {@code cutoff}, best first by {@code rule}
   * ({@link FieldSpec.ByCategory.Select}); fewer when it engaged fewer categories.
   */
  public int[] select(int query, long cutoff, int k, FieldSpec.ByCategory.Select rule) {
    int from = queryStart[query];
    int to = queryStart[query + 1];
    int m = 0;
    int[] cats = new int[to - from];
    int[] counts = new int[to - from];
    long[] last = new long[to - from];
    for (int g = from; g < to; g++) {
      int e = end(g, cutoff);
      if (e > groupStart[g]) {
        cats[m] = groupCategory[g];
        counts[m] = e - groupStart[g];
        last[m] = times[e - 1];
        m++;
      }
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    boolean byFrequency = rule == FieldSpec.ByCategory.Select.FREQUENCY;
    Arrays.sort(order, (a, b) -> {
      int c = byFrequency ? Integer.compare(counts[b], counts[a]) : Long.compare(last[b], last[a]);
      if (c == 0) {
        c = byFrequency ? Long.compare(last[b], last[a]) : Integer.compare(counts[b], counts[a]);
      }
      return c != 0 ? c : Integer.compare(cats[a], cats[b]);
    });
    int[] out = new int[Math.min(k, m)];
    for (int i = 0; i < out.length; i++) {
      out[i] = cats[order[i]];
    }
    return out;
  }
}
