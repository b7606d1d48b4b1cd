package org.towerlab.api.testkit;

import java.util.function.BiFunction;
import org.towerlab.api.sampling.ItemIndex;

/**
 * An {@link ItemIndex} whose ranking is a function {@code (query, rank) -> item}; it counts
 * {@link #refresh()} and {@link #ranked} calls.
 */
public final class FakeItemIndex implements ItemIndex {
  private final BiFunction<Long, Integer, Long> itemAtRank;
  private int refreshes;
  private int rankedCalls;

  public FakeItemIndex(BiFunction<Long, Integer, Long> itemAtRank) {
    this.itemAtRank = itemAtRank;
  }

  /** Item {@code (query + rank) % numItems} at each rank: every query sees the corpus rotated. */
  public static FakeItemIndex rotating(int numItems) {
    return new FakeItemIndex((q, r) -> (q + r) % numItems);
  }

  @Override
  public void refresh() {
    refreshes++;
  }

  @Override
  public int version() {
    return refreshes;
  }

  /** How many times {@link #ranked} was called. */
  public int rankedCalls() {
    return rankedCalls;
  }

  @Override
  public long[][] ranked(long[] queries, int from, int to) {
    rankedCalls++;
    long[][] out = new long[queries.length][to - from];
    for (int i = 0; i < queries.length; i++) {
      for (int r = from; r < to; r++) {
        out[i][r - from] = itemAtRank.apply(queries[i], r);
      }
    }
    return out;
  }
}
