package org.towerlab.evaluators;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.towerlab.api.eval.Scorer;

/**
 * Ranks blocks of queries against the whole item corpus {@code [0, numItems)} through
 * {@link Scorer#scoreBlock}, one {@code queries x item-block} block at a time, each on its own
 * sub-manager that is closed before the next, with each query's seen items removed. The order is
 * total (higher score first, then lower item id, NaN below every number), so the lists do not
 * depend on the block sizes. See {@code docs/metrics.md} ("How a block is scored"). Public for jobs
 * that rank the corpus elsewhere (the Spark corpus evaluation), so they rank with the same code.
 */
public final class CorpusRanking {
  /**
   * The largest item block when the caller asks for the whole corpus (item block 0): beyond it a
   * {@code queries x items} score block would grow with the corpus (512 queries x 10^6 items is
   * 2 GB), and blocks do not change the lists (see above).
   */
  public static final int MAX_WHOLE_CORPUS_BLOCK = 1 << 18;

  private final Scorer scorer;
  private final int[][] seen;
  private final int k;
  private final int itemBlock;
  private final NDManager manager;

  /**
   * @param seen sorted distinct seen items per query id (indexed by query id), or {@code null}
   * @param k the length of the lists
   * @param itemBlock items per block; 0 for the whole corpus in one block, up to
   *     {@link #MAX_WHOLE_CORPUS_BLOCK} items
   */
  public CorpusRanking(Scorer scorer, int[][] seen, int k, int itemBlock, NDManager manager) {
    this.scorer = scorer;
    this.seen = seen;
    this.k = k;
    this.itemBlock = itemBlock == 0 ? Math.max(Math.min(scorer.numItems(), MAX_WHOLE_CORPUS_BLOCK), 1) : itemBlock;
    this.manager = manager;
  }

  /** The seen items of query {@code q} (sorted), empty when nothing is removed. */
  int[] seen(long q) {
    return seen == null || q >= seen.length ? QueryItems.EMPTY : seen[(int) q];
  }

  /** The top {@code k} unseen items of each query of {@code qids}, best first. */
  public int[][] top(long[] qids) {
    int numItems = scorer.numItems();
    int rows = qids.length;
    TopKHeap heap = new TopKHeap(rows, k);
    int[] seenCursor = new int[rows];
    for (int from = 0; from < numItems; from += itemBlock) {
      int to = Math.min(from + itemBlock, numItems);
      int width = to - from;
      if (offerCandidates(qids, from, to, heap)) {
        continue;
      }
      float[] scores = scoreBlock(scorer, qids, from, to, manager); // [rows * width]
      for (int r = 0; r < rows; r++) {
        int[] s = seen(qids[r]);
        int c = seenCursor[r];
        int base = r * width;
        for (int j = 0; j < width; j++) {
          int item = from + j;
          while (c < s.length && s[c] < item) {
            c++;
          }
          if (c < s.length && s[c] == item) {
            continue;
          }
          heap.offer(r, scores[base + j], item);
        }
        seenCursor[r] = c;
      }
    }
    int[][] out = new int[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = heap.drainSorted(r);
    }
    return out;
  }

  /**
   * Every score of the queries {@code qids} against the whole corpus, {@code [rows][numItems]},
   * filled block by block (seen items included: the caller removes them). Memory is
   * {@code rows x numItems} floats, so callers bound {@code rows}.
   */
  float[][] rows(long[] qids) {
    int numItems = scorer.numItems();
    float[][] out = new float[qids.length][numItems];
    for (int from = 0; from < numItems; from += itemBlock) {
      int to = Math.min(from + itemBlock, numItems);
      int width = to - from;
      float[] scores = scoreBlock(scorer, qids, from, to, manager); // [rows * width]
      for (int r = 0; r < qids.length; r++) {
        System.arraycopy(scores, r * width, out[r], from, width);
      }
    }
    return out;
  }

  /**
   * The fast path: selects each row's candidates on the engine ({@code topK} of
   * {@code k + seen-in-block + 1} per row) and copies only those out, instead of the whole
   * {@code rows x width} block. Exact: a row's candidates contain every item of the block that can
   * enter its top {@code k} unless the {@code k}-th kept score equals the smallest candidate score
   * (a tie that may continue outside the candidates) or a score is NaN; then this returns
   * {@code false} before offering anything and the caller scores the block the slow way.
   */
  private boolean offerCandidates(long[] qids, int from, int to, TopKHeap heap) {
    int width = to - from;
    int rows = qids.length;
    int maxSeen = 0;
    for (int r = 0; r < rows; r++) {
      int[] s = seen(qids[r]);
      maxSeen = Math.max(maxSeen, lowerBound(s, to) - lowerBound(s, from));
    }
    int c = k + maxSeen + 1;
    if (c >= width) {
      return false; // the block is small: copying it whole costs no more
    }
    float[] values;
    long[] indices;
    try (NDManager block = manager.newSubManager()) {
      NDArray scores = scorer.scoreBlock(qids, from, to, block); // [rows, width]
      checkShape(scores, qids, from, to);
      NDList top = scores.topK(c, 1, true, true); // values [rows, c], indices [rows, c]
      values = top.get(0).toFloatArray();
      indices = top.get(1).toLongArray();
    }
    for (int r = 0; r < rows; r++) {
      int[] s = seen(qids[r]);
      int kept = 0;
      float kth = Float.NaN;
      for (int j = 0; j < c; j++) {
        float v = values[r * c + j];
        if (Float.isNaN(v)) {
          return false;
        }
        int item = from + (int) indices[r * c + j];
        if (Arrays.binarySearch(s, item) >= 0) {
          continue;
        }
        if (++kept == k) {
          kth = v;
        }
      }
      if (kept < k || kth == values[r * c + c - 1]) {
        return false;
      }
    }
    for (int r = 0; r < rows; r++) {
      int[] s = seen(qids[r]);
      for (int j = 0; j < c; j++) {
        int item = from + (int) indices[r * c + j];
        if (Arrays.binarySearch(s, item) < 0) {
          heap.offer(r, values[r * c + j], item);
        }
      }
    }
    return true;
  }

  private static int lowerBound(int[] sorted, int value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Scores one block on its own sub-manager and copies it out with one transfer. */
  static float[] scoreBlock(Scorer scorer, long[] qids, int from, int to, NDManager parent) {
    try (NDManager block = parent.newSubManager()) {
      NDArray scores = scorer.scoreBlock(qids, from, to, block); // [rows, to - from]
      checkShape(scores, qids, from, to);
      return scores.toFloatArray();
    }
  }

  private static void checkShape(NDArray scores, long[] qids, int from, int to) {
    Shape expected = new Shape(qids.length, to - from);
    if (!scores.getShape().equals(expected)) {
      throw new IllegalStateException("scorer returned a block of shape " + scores.getShape()
          + " for " + qids.length + " queries x items [" + from + ", " + to + "), expected " + expected);
    }
  }
}
