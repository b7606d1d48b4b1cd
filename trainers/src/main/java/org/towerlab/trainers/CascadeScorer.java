package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.nn.Tensors;

/**
 * The scorer of a whole cascade, as a serving system ranks: stage 1 scores the corpus and keeps its
 * top {@code keep_1} (a query's seen items removed first, see {@link #excluding}); stage 2 scores
 * those candidates and keeps its top {@code keep_2}; and so on; the last stage orders what it
 * receives. The system's ranking puts the last stage's order first, then the items the
 * second-to-last stage dropped in its order, and so on back to stage 1's order for the items no
 * later stage saw. Scores are {@code N - rank} (rank 0 = best), so any top-K evaluator reads the
 * system's order; ties inside a stage break by lower item id.
 *
 * <p>The ranking of the last query block is cached, so a top-K evaluator that asks for item blocks
 * one by one runs the cascade once per query block.
 */
public final class CascadeScorer implements Scorer {
  private final List<Scorer> stages;
  private final int[] keeps;
  private final int numItems;
  private final Map<Integer, int[]> seen;
  private long[] cachedQueries;
  private int[][] cachedRanks;

  /**
   * @param stages each stage's own scorer, in serving order
   * @param keeps how many items each stage passes on (the last entry is ignored)
   */
  public CascadeScorer(List<Scorer> stages, int[] keeps) {
    this(stages, keeps, null);
  }

  private CascadeScorer(List<Scorer> stages, int[] keeps, Map<Integer, int[]> seen) {
    this.stages = List.copyOf(stages);
    this.keeps = keeps.clone();
    this.numItems = stages.get(0).numItems();
    this.seen = seen;
  }

  @Override
  public Scorer excluding(InteractionLog seenRows) {
    if (seenRows == null) {
      return this;
    }
    Map<Integer, Set<Integer>> sets = new HashMap<>();
    for (int r = 0; r < seenRows.size(); r++) {
      sets.computeIfAbsent(seenRows.queries()[r], q -> new HashSet<>()).add(seenRows.items()[r]);
    }
    Map<Integer, int[]> out = new HashMap<>();
    sets.forEach((q, s) -> out.put(q, s.stream().mapToInt(Integer::intValue).sorted().toArray()));
    return new CascadeScorer(stages, keeps, out);
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public synchronized NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
    int[][] ranks = ranks(queries);
    float[] out = new float[queries.length * (itemTo - itemFrom)];
    for (int i = 0; i < queries.length; i++) {
      for (int j = itemFrom; j < itemTo; j++) {
        out[i * (itemTo - itemFrom) + (j - itemFrom)] = numItems - ranks[i][j];
      }
    }
    return Tensors.create(manager, out, new ai.djl.ndarray.types.Shape(queries.length, itemTo - itemFrom));
  }

  /** The system's rank-based score of each pair ({@code N - rank}). */
  @Override
  public synchronized float[] scorePairs(long[] queries, long[] items, NDManager manager) {
    Map<Long, Integer> index = new LinkedHashMap<>();
    for (long q : queries) {
      index.putIfAbsent(q, index.size());
    }
    long[] distinct = index.keySet().stream().mapToLong(Long::longValue).toArray();
    int[][] ranks = computeRanks(distinct);
    float[] out = new float[queries.length];
    for (int i = 0; i < queries.length; i++) {
      out[i] = numItems - ranks[index.get(queries[i])][(int) items[i]];
    }
    return out;
  }

  @Override
  public boolean itemSidePrecomputable() {
    return stages.stream().allMatch(Scorer::itemSidePrecomputable);
  }

  private int[][] ranks(long[] queries) {
    if (cachedQueries == null || !Arrays.equals(cachedQueries, queries)) {
      cachedRanks = computeRanks(queries);
      cachedQueries = queries.clone();
    }
    return cachedRanks;
  }

  /** For each query, the rank of every item in the system's order. */
  private int[][] computeRanks(long[] queries) {
    int b = queries.length;
    int[][] out = new int[b][numItems];
    float[] first;
    try (NDManager m = NDManager.newBaseManager()) {
      first = stages.get(0).scoreBlock(queries, 0, numItems, m).toFloatArray(); // [B, N]
    }
    for (int i = 0; i < b; i++) {
      int[] mask = seen == null ? null : seen.get((int) queries[i]);
      Integer[] order = new Integer[numItems];
      for (int j = 0; j < numItems; j++) {
        order[j] = j;
      }
      final int row = i;
      float[] s1 = new float[numItems];
      for (int j = 0; j < numItems; j++) {
        s1[j] = first[row * numItems + j];
      }
      if (mask != null) {
        for (int j : mask) {
          s1[j] = Float.NEGATIVE_INFINITY;
        }
      }
      Arrays.sort(order, (a, c) -> s1[a] != s1[c] ? Float.compare(s1[c], s1[a]) : Integer.compare(a, c));
      // stages[s] receives `received`; the final ranking is built back to front
      List<int[]> dropped = new ArrayList<>();
      int[] received = new int[Math.min(keeps[0], numItems)];
      for (int j = 0; j < received.length; j++) {
        received[j] = order[j];
      }
      int[] rest = new int[numItems - received.length];
      for (int j = received.length; j < numItems; j++) {
        rest[j - received.length] = order[j];
      }
      dropped.add(rest);
      for (int s = 1; s < stages.size(); s++) {
        int[] ordered = orderBy(stages.get(s), queries[i], received);
        int keep = s == stages.size() - 1 ? ordered.length : Math.min(keeps[s], ordered.length);
        dropped.add(Arrays.copyOfRange(ordered, keep, ordered.length));
        received = Arrays.copyOf(ordered, keep);
      }
      int rank = 0;
      for (int it : received) {
        out[i][it] = rank++;
      }
      for (int s = dropped.size() - 1; s >= 0; s--) {
        for (int it : dropped.get(s)) {
          out[i][it] = rank++;
        }
      }
    }
    return out;
  }

  /** {@code items} ordered by the stage's score for the query (ties by lower id). */
  private static int[] orderBy(Scorer stage, long query, int[] items) {
    if (items.length == 0) {
      return items;
    }
    long[] q = new long[items.length];
    long[] it = new long[items.length];
    Arrays.fill(q, query);
    for (int j = 0; j < items.length; j++) {
      it[j] = items[j];
    }
    float[] s;
    try (NDManager m = NDManager.newBaseManager()) {
      s = stage.scorePairs(q, it, m);
    }
    Integer[] idx = new Integer[items.length];
    for (int j = 0; j < idx.length; j++) {
      idx[j] = j;
    }
    Arrays.sort(idx, (a, c) -> s[a] != s[c] ? Float.compare(s[c], s[a]) : Integer.compare(items[a], items[c]));
    int[] out = new int[items.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = items[idx[j]];
    }
    return out;
  }
}
