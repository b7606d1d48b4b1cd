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

  /**
   * For each query, the rank of every item in the system's order. Every stage scores the whole
   * query block in one call (stage 1 over the corpus, later stages over each query's candidates).
   */
  private int[][] computeRanks(long[] queries) {
    int b = queries.length;
    int[][] out = new int[b][numItems];
    float[] first;
    try (NDManager m = NDManager.newBaseManager()) {
      first = stages.get(0).scoreBlock(queries, 0, numItems, m).toFloatArray(); // [B, N]
    }
    int[][] received = new int[b][];
    List<List<int[]>> dropped = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      int[] mask = seen == null ? null : seen.get((int) queries[i]);
      float[] s1 = Arrays.copyOfRange(first, i * numItems, (i + 1) * numItems);
      if (mask != null) {
        for (int j : mask) {
          s1[j] = Float.NEGATIVE_INFINITY;
        }
      }
      int[] order = sortDesc(s1, null);
      int keep = Math.min(keeps[0], numItems);
      received[i] = Arrays.copyOf(order, keep);
      List<int[]> d = new ArrayList<>();
      d.add(Arrays.copyOfRange(order, keep, numItems));
      dropped.add(d);
    }
    for (int s = 1; s < stages.size(); s++) {
      int total = 0;
      for (int[] r : received) {
        total += r.length;
      }
      long[] q = new long[total];
      long[] it = new long[total];
      int k = 0;
      for (int i = 0; i < b; i++) {
        for (int item : received[i]) {
          q[k] = queries[i];
          it[k++] = item;
        }
      }
      float[] scores;
      try (NDManager m = NDManager.newBaseManager()) {
        scores = total == 0 ? new float[0] : stages.get(s).scorePairs(q, it, m);
      }
      k = 0;
      for (int i = 0; i < b; i++) {
        int n = received[i].length;
        float[] si = Arrays.copyOfRange(scores, k, k + n);
        k += n;
        int[] idx = sortDesc(si, received[i]);
        int[] ordered = new int[n];
        for (int j = 0; j < n; j++) {
          ordered[j] = received[i][idx[j]];
        }
        int keep = s == stages.size() - 1 ? n : Math.min(keeps[s], n);
        dropped.get(i).add(Arrays.copyOfRange(ordered, keep, n));
        received[i] = Arrays.copyOf(ordered, keep);
      }
    }
    for (int i = 0; i < b; i++) {
      int rank = 0;
      for (int it : received[i]) {
        out[i][it] = rank++;
      }
      List<int[]> d = dropped.get(i);
      for (int s = d.size() - 1; s >= 0; s--) {
        for (int it : d.get(s)) {
          out[i][it] = rank++;
        }
      }
    }
    return out;
  }

  /**
   * Positions {@code 0..n-1} ordered by score descending, ties by lower item id ({@code ids[j]}, or
   * {@code j} itself when {@code ids} is null).
   */
  private static int[] sortDesc(float[] score, int[] ids) {
    Integer[] idx = new Integer[score.length];
    for (int j = 0; j < idx.length; j++) {
      idx[j] = j;
    }
    Arrays.sort(idx, (a, c) -> score[a] != score[c] ? Float.compare(score[c], score[a])
        : Integer.compare(ids == null ? a : ids[a], ids == null ? c : ids[c]));
    int[] out = new int[idx.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = idx[j];
    }
    return out;
  }
}
