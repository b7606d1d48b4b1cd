package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Side;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.TowerOutput;

/**
 * Scores queries against the corpus through a tower model. Item outputs are computed once per
 * {@link #refresh()} (in blocks, outside autograd) and cached; query outputs are cached for the last
 * query block, so scoring one query block against many item blocks encodes the queries once.
 * Scores are returned on the caller's manager; every temporary is closed. When the interaction is a
 * {@link org.towerlab.api.model.CorpusRanker} (a merge of several retrievals), scores and
 * {@link #excluding} come from its whole-corpus ranking ({@link CorpusRankScorer}).
 */
public final class TowerScorer implements Scorer {
  private static final int ENCODE_BLOCK = 4096;
  private final Model model;
  private final FeatureBatches batches;
  private final int numItems;
  private final NDManager cache;
  private TowerOutput items;
  private NDManager queryManager;
  private long[] cachedQueries;
  private TowerOutput cachedQueryOutput;
  private long version;
  private final CorpusRankScorer ranked;

  public TowerScorer(Model model, FeatureBatches batches, int numItems, NDManager parent) {
    this.model = model;
    this.batches = batches;
    this.numItems = numItems;
    this.cache = parent.newSubManager();
    this.ranked = model.interaction() instanceof org.towerlab.api.model.CorpusRanker r
        ? new CorpusRankScorer(this, r) : null;
  }

  /** Recomputes the cached item outputs from the current weights. */
  public synchronized void refresh() {
    if (items != null) {
      close(items);
    }
    List<TowerOutput> parts = new ArrayList<>();
    for (int from = 0; from < numItems; from += ENCODE_BLOCK) {
      int to = Math.min(numItems, from + ENCODE_BLOCK);
      long[] ids = new long[to - from];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = from + i;
      }
      try (NDScope scope = new NDScope()) {
        TowerOutput out = encode(Side.ITEM, ids, cache);
        keep(out);
        parts.add(out);
      }
    }
    items = parts.size() == 1 ? parts.get(0) : concat(parts);
    if (parts.size() > 1) {
      parts.forEach(TowerScorer::close);
    }
    invalidateQueries();
  }

  /** Forgets the cached query outputs (after a weight update). */
  public synchronized void invalidateQueries() {
    version++;
    if (queryManager != null) {
      queryManager.close();
      queryManager = null;
    }
    cachedQueries = null;
    cachedQueryOutput = null;
  }

  private TowerOutput encode(Side side, long[] ids, NDManager manager) {
    FeatureBatch f = batches.build(side, ids, null, manager);
    Forward fwd = Forward.inference(manager);
    return side == Side.QUERY ? model.queryTower().encode(f, fwd) : model.itemTower().encode(f, fwd);
  }

  /** Counts weight changes ({@link #invalidateQueries}), so views can drop what they derived from outputs. */
  synchronized long version() {
    return version;
  }

  /** The query outputs of {@code ids} (cached for the last block, on this scorer's manager). */
  synchronized TowerOutput queries(long[] ids) {
    if (cachedQueries != null && Arrays.equals(cachedQueries, ids)) {
      return cachedQueryOutput;
    }
    invalidateQueries();
    queryManager = cache.newSubManager();
    try (NDScope scope = new NDScope()) {
      TowerOutput out = encode(Side.QUERY, ids, queryManager);
      keep(out);
      cachedQueryOutput = out;
    }
    cachedQueries = ids.clone();
    return cachedQueryOutput;
  }

  /** The cached item outputs (refreshing first if needed). */
  public synchronized TowerOutput items() {
    if (items == null) {
      refresh();
    }
    return items;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public NDArray scoreBlock(long[] queryIds, int itemFrom, int itemTo, NDManager manager) {
    if (ranked != null) {
      return ranked.scoreBlock(queryIds, itemFrom, itemTo, manager);
    }
    TowerOutput all = items();
    TowerOutput q = queries(queryIds);
    try (NDScope scope = new NDScope()) {
      TowerOutput block = itemFrom == 0 && itemTo == numItems ? all : all.rows(itemFrom, itemTo);
      NDArray scores = model.interaction().scoreAll(q, block, Forward.inference(manager)); // [B, m]
      NDScope.unregister(scores);
      scores.attach(manager);
      return scores;
    }
  }

  @Override
  public float[] scorePairs(long[] queryIds, long[] itemIds, NDManager manager) {
    if (ranked != null) {
      return ranked.scorePairs(queryIds, itemIds, manager);
    }
    float[] out = new float[queryIds.length];
    for (int from = 0; from < queryIds.length; from += ENCODE_BLOCK) {
      int to = Math.min(queryIds.length, from + ENCODE_BLOCK);
      try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
        TowerOutput q = encode(Side.QUERY, Arrays.copyOfRange(queryIds, from, to), m);
        TowerOutput it = encode(Side.ITEM, Arrays.copyOfRange(itemIds, from, to), m);
        float[] s = model.interaction().scorePaired(q, it, 1, Forward.inference(m)).toFloatArray(); // [b, 1]
        System.arraycopy(s, 0, out, from, s.length);
      }
    }
    return out;
  }

  /** From the actual outputs ({@link org.towerlab.api.model.Interaction#flopsPerPair(TowerOutput, TowerOutput)}). */
  @Override
  public long flopsPerPair() {
    TowerOutput all = items();
    try (NDManager m = cache.newSubManager(); NDScope scope = new NDScope()) {
      TowerOutput q = encode(Side.QUERY, new long[] {0}, m);
      return model.interaction().flopsPerPair(q, all);
    }
  }

  @Override
  public boolean itemSidePrecomputable() {
    return model.interaction().itemSidePrecomputable();
  }

  /** With a {@link org.towerlab.api.model.CorpusRanker}: the ranking that keeps {@code seen} out of its quotas. */
  @Override
  public Scorer excluding(org.towerlab.api.data.InteractionLog seen) {
    return ranked == null ? this : ranked.excluding(seen);
  }

  @Override
  public Scorer task(String name) {
    if (!(model.interaction() instanceof org.towerlab.api.model.MultiTask mt)) {
      return Scorer.super.task(name);
    }
    if (!mt.tasks().contains(name)) {
      throw new org.towerlab.api.UserException("An evaluator asks for task '" + name + "'; this model's tasks are "
          + mt.tasks() + ".");
    }
    TowerScorer outer = this;
    return new Scorer() {
      @Override
      public int numItems() {
        return numItems;
      }

      @Override
      public NDArray scoreBlock(long[] queryIds, int itemFrom, int itemTo, NDManager manager) {
        TowerOutput all = outer.items();
        TowerOutput q = outer.queries(queryIds);
        try (NDScope scope = new NDScope()) {
          TowerOutput block = itemFrom == 0 && itemTo == numItems ? all : all.rows(itemFrom, itemTo);
          NDArray scores = mt.scoreAll(name, q, block, Forward.inference(manager)); // [B, m]
          NDScope.unregister(scores);
          scores.attach(manager);
          return scores;
        }
      }

      @Override
      public float[] scorePairs(long[] queryIds, long[] itemIds, NDManager manager) {
        float[] out = new float[queryIds.length];
        for (int from = 0; from < queryIds.length; from += ENCODE_BLOCK) {
          int to = Math.min(queryIds.length, from + ENCODE_BLOCK);
          try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            TowerOutput q = encode(Side.QUERY, Arrays.copyOfRange(queryIds, from, to), m);
            TowerOutput it = encode(Side.ITEM, Arrays.copyOfRange(itemIds, from, to), m);
            float[] s = mt.scorePaired(name, q, it, 1, Forward.inference(m)).toFloatArray(); // [b, 1]
            System.arraycopy(s, 0, out, from, s.length);
          }
        }
        return out;
      }

      @Override
      public long flopsPerPair() {
        return outer.flopsPerPair();
      }

      @Override
      public boolean itemSidePrecomputable() {
        return outer.itemSidePrecomputable();
      }
    };
  }

  /** The model this scorer scores with. */
  public Model model() {
    return model;
  }

  @Override
  public synchronized void close() {
    invalidateQueries();
    cache.close();
    items = null;
  }

  /** Takes {@code out}'s arrays out of the current {@link NDScope}: they live as long as their manager. */
  static void keep(TowerOutput out) {
    for (NDArray a : arrays(out)) {
      NDScope.unregister(a);
    }
  }

  private static void close(TowerOutput out) {
    for (NDArray a : arrays(out)) {
      a.close();
    }
  }

  private static List<NDArray> arrays(TowerOutput out) {
    List<NDArray> all = new ArrayList<>();
    all.add(out.embedding());
    if (out.heads() != null) {
      all.add(out.heads());
    }
    if (out.layers() != null) {
      all.addAll(out.layers());
    }
    if (out.codes() != null) {
      all.add(out.codes());
    }
    all.addAll(out.extras().values());
    return all;
  }

  private static TowerOutput concat(List<TowerOutput> parts) {
    TowerOutput first = parts.get(0);
    NDArray emb = NDArrays.concat(new NDList(parts.stream().map(TowerOutput::embedding).toList()), 0);
    NDArray heads = first.heads() == null ? null
        : NDArrays.concat(new NDList(parts.stream().map(TowerOutput::heads).toList()), 0);
    NDArray codes = first.codes() == null ? null
        : NDArrays.concat(new NDList(parts.stream().map(TowerOutput::codes).toList()), 0);
    List<NDArray> layers = null;
    if (first.layers() != null) {
      layers = new ArrayList<>();
      for (int l = 0; l < first.layers().size(); l++) {
        int li = l;
        layers.add(NDArrays.concat(new NDList(parts.stream().map(p -> p.layers().get(li)).toList()), 0));
      }
    }
    Map<String, NDArray> extras = new LinkedHashMap<>();
    for (String k : first.extras().keySet()) {
      extras.put(k, NDArrays.concat(new NDList(parts.stream().map(p -> p.extras().get(k)).toList()), 0));
    }
    return new TowerOutput(emb, heads, layers, codes, extras);
  }
}
