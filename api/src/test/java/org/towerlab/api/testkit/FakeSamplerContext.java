package org.towerlab.api.testkit;

import java.util.HashSet;
import java.util.Set;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.sampling.ItemFrequency;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.SamplerContext;

/**
 * A {@link SamplerContext} over a split, computed the way the API defines it: item counts and known
 * positives from the training positives, shown negatives from the logged training rows that were
 * shown and not engaged, {@code probability(i) = max(count / total, 1 / (total + numItems))}. The
 * index is the one given (or none: {@link #index()} throws).
 */
public final class FakeSamplerContext implements SamplerContext {
  private final Split split;
  private final int numItems;
  private final long[] counts;
  private final long total;
  private final Set<Long> known = new HashSet<>();
  private final ItemIndex index;
  private final InteractionLog shown;

  private FakeSamplerContext(Split split, int numItems, long[] counts, Set<Long> known, ItemIndex index) {
    this.split = split;
    this.numItems = numItems;
    this.counts = counts;
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    this.total = t;
    this.known.addAll(known);
    this.index = index;
    this.shown = shownNegatives(split);
  }

  /** The context of a split's training part, without an index. */
  public static FakeSamplerContext of(Split split) {
    return of(split, null);
  }

  /** The context of a split's training part with an item index (offline hard negatives). */
  public static FakeSamplerContext of(Split split, ItemIndex index) {
    int n = split.dataset().numItems();
    long[] counts = new long[n];
    Set<Long> known = new HashSet<>();
    InteractionLog train = split.train();
    float[] pos = train.hasLabel("positive") ? train.label("positive") : null;
    for (int r = 0; r < train.size(); r++) {
      if (pos == null || pos[r] > 0) {
        counts[train.items()[r]]++;
        known.add(key(train.queries()[r], train.items()[r]));
      }
    }
    return new FakeSamplerContext(split, n, counts, known, index);
  }

  /**
   * A context without a split: {@code counts[i]} training occurrences of item i, the given known
   * (query, item) pairs ({@link #pair}) and index ({@code null}: none).
   */
  public static FakeSamplerContext of(long[] counts, Set<Long> knownPairs, ItemIndex index) {
    return new FakeSamplerContext(null, counts.length, counts.clone(), knownPairs, index);
  }

  /** The key of a known (query, item) pair for {@link #of(long[], Set, ItemIndex)}. */
  public static long pair(long query, long item) {
    return key(query, item);
  }

  private static long key(long query, long item) {
    return query * 1_000_003L + item;
  }

  private static InteractionLog shownNegatives(Split split) {
    if (split == null || !split.hasLogged()) {
      return Logs.empty();
    }
    InteractionLog logged = split.logged("train");
    float[] p = logged.label("positive");
    boolean[] exposed = logged.exposed();
    boolean[] keep = new boolean[logged.size()];
    for (int r = 0; r < keep.length; r++) {
      keep[r] = p[r] <= 0 && (exposed == null || exposed[r]);
    }
    return logged.filter(keep);
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
    return shown;
  }

  @Override
  public ItemIndex index() {
    if (index == null) {
      throw new UnsupportedOperationException("this test's sampler context has no item index; pass one to "
          + "FakeSamplerContext.of(split, index)");
    }
    return index;
  }
}
