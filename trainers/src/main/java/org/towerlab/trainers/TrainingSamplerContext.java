package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashSet;
import java.util.Set;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.sampling.ItemFrequency;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.SamplerContext;

/**
 * The sampler's view of the training data, built once per run from the training part only; its
 * {@link #index()} ranks the corpus with the given scorer. Public so that module tests drive a
 * {@link TrainStep} with the context {@link PlainTrainer} gives it.
 */
public final class TrainingSamplerContext implements SamplerContext {
  private final Split split;
  private final int numItems;
  private final long[] counts;
  private final long total;
  private final Set<Long> known = new HashSet<>();
  private final InteractionLog shownNegatives;
  private final TowerScorer scorer;
  private final NDManager manager;
  private int version;

  public TrainingSamplerContext(Split split, TowerScorer scorer, NDManager manager) {
    this.split = split;
    this.numItems = split.dataset().numItems();
    this.scorer = scorer;
    this.manager = manager;
    InteractionLog train = split.train();
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    counts = new long[numItems];
    long t = 0;
    for (int r = 0; r < train.size(); r++) {
      if (pos == null || pos[r] > 0) {
        counts[train.items()[r]]++;
        t++;
        known.add(key(train.queries()[r], train.items()[r]));
      }
    }
    total = t;
    if (split.hasLogged()) {
      InteractionLog logged = split.logged("train");
      float[] lp = logged.label("positive");
      boolean[] shown = logged.exposed();
      boolean[] keep = new boolean[logged.size()];
      for (int r = 0; r < keep.length; r++) {
        keep[r] = lp[r] <= 0 && (shown == null || shown[r]);
      }
      shownNegatives = logged.filter(keep);
    } else {
      shownNegatives = train.select(new int[0]);
    }
  }

  private long key(long q, long i) {
    return q * numItems + i;
  }

  @Override
  public Split split() {
    return split;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public ItemFrequency frequency() {
    return new ItemFrequency() {
      @Override
      public long count(int item) {
        return counts[item];
      }

      @Override
      public long total() {
        return total;
      }

      @Override
      public double probability(int item) {
        return Math.max(counts[item] / (double) Math.max(total, 1), 1.0 / (total + numItems));
      }
    };
  }

  @Override
  public boolean isKnownPositive(long query, long item) {
    return known.contains(key(query, item));
  }

  @Override
  public InteractionLog shownNegatives() {
    return shownNegatives;
  }

  @Override
  public ItemIndex index() {
    return new ItemIndex() {
      @Override
      public void refresh() {
        scorer.refresh();
        version++;
      }

      @Override
      public int version() {
        return version;
      }

      @Override
      public long[][] ranked(long[] queries, int from, int to) {
        if (version == 0) {
          refresh();
        }
        long[][] out = new long[queries.length][];
        try (NDManager m = manager.newSubManager()) {
          NDArray scores = scorer.scoreBlock(queries, 0, numItems, m); // [B, N]
          NDArray order = scores.argSort(1, false); // [B, N] descending
          long[] flat = order.get(":, " + from + ":" + to).toLongArray();
          int w = to - from;
          for (int b = 0; b < queries.length; b++) {
            out[b] = java.util.Arrays.copyOfRange(flat, b * w, (b + 1) * w);
          }
        }
        return out;
      }
    };
  }
}
