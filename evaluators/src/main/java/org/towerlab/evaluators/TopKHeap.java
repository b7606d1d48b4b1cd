package org.towerlab.evaluators;

/**
 * A partial top-K for each query of a block: per row, a binary min-heap whose root is the worst
 * of the kept candidates. The order is total and deterministic: a higher score ranks first, and
 * among equal scores the lower item id ranks first. Because the order is total, the kept set does
 * not depend on the order in which candidates are offered, hence not on block sizes.
 */
final class TopKHeap {
  private final int k;
  private final double[] scores;
  private final int[] items;
  private final int[] sizes;

  TopKHeap(int rows, int k) {
    this.k = k;
    this.scores = new double[rows * k];
    this.items = new int[rows * k];
    this.sizes = new int[rows];
  }

  /**
   * Offers {@code item} with {@code score} to row {@code row}; NaN ranks below every number. Float
   * scores widen to double exactly, so their order is unchanged.
   */
  void offer(int row, double score, int item) {
    double s = Double.isNaN(score) ? Double.NEGATIVE_INFINITY : score;
    int base = row * k;
    int size = sizes[row];
    if (size < k) {
      int i = size;
      sizes[row] = size + 1;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!worse(s, item, scores[base + parent], items[base + parent])) {
          break;
        }
        scores[base + i] = scores[base + parent];
        items[base + i] = items[base + parent];
        i = parent;
      }
      scores[base + i] = s;
      items[base + i] = item;
      return;
    }
    if (!worse(scores[base], items[base], s, item)) {
      return; // not better than the worst kept candidate
    }
    siftDown(base, size, s, item);
  }

  /** Row {@code row}'s kept items, best first. Empties the row. */
  int[] drainSorted(int row) {
    int base = row * k;
    int size = sizes[row];
    int[] out = new int[size];
    for (int n = size; n > 0; n--) {
      out[n - 1] = items[base];
      double lastScore = scores[base + n - 1];
      int lastItem = items[base + n - 1];
      if (n > 1) {
        siftDown(base, n - 1, lastScore, lastItem);
      }
    }
    sizes[row] = 0;
    return out;
  }

  /** Places (s, item) at the root of the heap of {@code size} entries and restores the order. */
  private void siftDown(int base, int size, double s, int item) {
    int i = 0;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        break;
      }
      int child = left;
      int right = left + 1;
      if (right < size && worse(scores[base + right], items[base + right], scores[base + left], items[base + left])) {
        child = right;
      }
      if (!worse(scores[base + child], items[base + child], s, item)) {
        break;
      }
      scores[base + i] = scores[base + child];
      items[base + i] = items[base + child];
      i = child;
    }
    scores[base + i] = s;
    items[base + i] = item;
  }

  /** Whether (sa, ia) ranks below (sb, ib): lower score, or equal score and higher item id. */
  static boolean worse(double sa, int ia, double sb, int ib) {
    return sa < sb || (sa == sb && ia > ib);
  }
}
