package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.model.CorpusRanker;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * The full-corpus scorer of a tower model whose interaction is a {@link CorpusRanker} (a merge of
 * several retrievals): the ranker orders the whole corpus once per query block, from the
 * {@link TowerScorer}'s cached item outputs and query outputs, and every item range of that block
 * is served from the ranking as {@code N - rank} (rank 0 = best), as {@link CascadeScorer} exposes
 * a cascade. {@link #excluding} passes each query's seen items to the ranker, which keeps them out
 * of its quotas. The ranking of the last query block is cached until the towers' weights change.
 */
final class CorpusRankScorer implements Scorer {
  private static final int PAIR_BLOCK = 256;
  private final TowerScorer towers;
  private final CorpusRanker ranker;
  private final Map<Integer, int[]> seen;
  private long[] cachedQueries;
  private int[][] cachedRanks;
  private long cachedVersion = -1;

  CorpusRankScorer(TowerScorer towers, CorpusRanker ranker) {
    this(towers, ranker, null);
  }

  private CorpusRankScorer(TowerScorer towers, CorpusRanker ranker, Map<Integer, int[]> seen) {
    this.towers = towers;
    this.ranker = ranker;
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
    return new CorpusRankScorer(towers, ranker, out);
  }

  @Override
  public int numItems() {
    return towers.numItems();
  }

  @Override
  public synchronized NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
    int n = numItems();
    if (cachedQueries == null || cachedVersion != towers.version() || !Arrays.equals(cachedQueries, queries)) {
      cachedRanks = ranks(queries);
      cachedQueries = queries.clone();
      cachedVersion = towers.version();
    }
    int w = itemTo - itemFrom;
    float[] out = new float[queries.length * w];
    for (int i = 0; i < queries.length; i++) {
      for (int j = itemFrom; j < itemTo; j++) {
        out[i * w + (j - itemFrom)] = n - cachedRanks[i][j];
      }
    }
    return Tensors.create(manager, out, new Shape(queries.length, w)); // [Q, m]
  }

  /**
   * The rank-based score ({@code N - rank}) of each pair in its query's ranking; the distinct
   * queries are ranked {@value #PAIR_BLOCK} at a time.
   */
  @Override
  public synchronized float[] scorePairs(long[] queries, long[] items, NDManager manager) {
    Map<Long, Integer> index = new LinkedHashMap<>();
    for (long q : queries) {
      index.putIfAbsent(q, index.size());
    }
    long[] distinct = index.keySet().stream().mapToLong(Long::longValue).toArray();
    float[] out = new float[queries.length];
    for (int from = 0; from < distinct.length; from += PAIR_BLOCK) {
      int to = Math.min(distinct.length, from + PAIR_BLOCK);
      int[][] ranks = ranks(Arrays.copyOfRange(distinct, from, to));
      for (int i = 0; i < queries.length; i++) {
        int at = index.get(queries[i]);
        if (at >= from && at < to) {
          out[i] = numItems() - ranks[at - from][(int) items[i]];
        }
      }
    }
    return out;
  }

  /** Each query's rank of every item ({@code [Q][N]}), from the ranker's order. */
  private int[][] ranks(long[] queries) {
    int n = numItems();
    int[][] exclude = new int[queries.length][];
    for (int i = 0; i < queries.length && seen != null; i++) {
      exclude[i] = seen.get((int) queries[i]);
    }
    TowerOutput items = towers.items();
    TowerOutput q = towers.queries(queries);
    int[][] order;
    try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
      order = ranker.rankCorpus(q, items, exclude, Forward.inference(m));
    }
    int[][] ranks = new int[queries.length][n];
    for (int i = 0; i < queries.length; i++) {
      if (order[i].length != n) {
        throw new IllegalStateException("the ranker ordered " + order[i].length + " items for query " + queries[i]
            + "; expected the whole corpus of " + n);
      }
      Arrays.fill(ranks[i], -1);
      for (int r = 0; r < n; r++) {
        int item = order[i][r];
        if (ranks[i][item] >= 0) {
          throw new IllegalStateException("the ranker placed item " + item + " twice for query " + queries[i]);
        }
        ranks[i][item] = r;
      }
    }
    return ranks;
  }

  @Override
  public long flopsPerPair() {
    return towers.flopsPerPair();
  }

  @Override
  public boolean itemSidePrecomputable() {
    return towers.itemSidePrecomputable();
  }

  @Override
  public Scorer task(String name) {
    return towers.task(name);
  }
}
