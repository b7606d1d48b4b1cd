package org.towerlab.evaluators;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * Full-corpus top-K evaluation: every query with at least one positive target row is ranked
 * against the whole item corpus (no sampled candidates), with the items of its seen interactions
 * removed unless {@code exclude-seen} is false, and the ranking is scored with the metrics as
 * RecBole defines them (Zhao et al., "RecBole: Towards a Unified, Comprehensive and Efficient
 * Framework for Recommendation Algorithms", CIKM 2021):
 *
 * <ul>
 *   <li>{@code recall@K} = hits / |targets|; {@code hit@K} = 1 if hits > 0;
 *       {@code precision@K} = hits / K;
 *   <li>{@code ndcg@K} = DCG / IDCG with binary gains, DCG = sum over hit ranks r of
 *       1 / log2(r + 1), IDCG over min(|targets|, K) ranks;
 *   <li>{@code mrr@K} = 1 / rank of the first hit within K, 0 if none;
 *   <li>extras: {@code coverage@K} = distinct items in all top-K lists / number of items, and
 *       {@code avg-popularity@K} = mean training count of a query's recommended items.
 * </ul>
 *
 * <p>Aggregates are means over the evaluated queries; {@link Evaluation#perQuery()} holds each
 * metric per query (all keys but {@code coverage@K}). Scores are computed in blocks of
 * {@code query-block x item-block} through {@link Scorer#scoreBlock}, each block on its own
 * sub-manager of {@link EvalContext#manager()} that is closed before the next, and merged into a
 * partial top-K per query ordered by score, then by lower item id, so the result does not depend
 * on block sizes. Seen items are removed (they never appear in a list), including seen items that
 * are also targets: as in RecBole they stay in |targets| and can never be hit. Target items are
 * the distinct items of the query's target rows whose {@code positive} label is positive (all rows
 * when the log has no such label). See {@code docs/metrics.md}.
 */
public final class TopKEvaluator implements Evaluator {
  /** The label that marks a positive row. */
  public static final String POSITIVE = "positive";

  private final TopKEvaluatorConfig config;

  public TopKEvaluator(TopKEvaluatorConfig config) {
    this.config = config;
  }

  public TopKEvaluatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "full-corpus-topk";
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    Scorer scorer = ctx.scorer();
    int numItems = scorer.numItems();
    InteractionLog target = ctx.target();
    int queryBound = QueryItems.queryBound(target);
    float[] keep = target.hasLabel(POSITIVE) ? target.label(POSITIVE) : null;
    int[][] targets = QueryItems.sortedDistinct(target, keep, queryBound);
    for (int q = 0; q < queryBound; q++) {
      int[] t = targets[q];
      if (t.length > 0 && (t[0] < 0 || t[t.length - 1] >= numItems)) {
        throw new UserException("Split part '" + ctx.part() + "' of protocol '" + ctx.split().protocol()
            + "' has a target item id outside [0, " + numItems + ") for query " + q
            + "; the scorer's corpus and the split's item ids disagree. Check that the model was built"
            + " for this data set (data: section of the config).");
      }
    }
    boolean excludeSeen = excludeSeen(ctx.split());
    int[][] seen = excludeSeen && ctx.seen() != null
        ? QueryItems.sortedDistinct(ctx.seen(), null, queryBound)
        : null;

    long[] evaluated = evaluatedQueries(targets);
    int n = evaluated.length;
    int[] ks = config.ks().stream().mapToInt(Integer::intValue).sorted().toArray();
    int maxK = ks[ks.length - 1];
    boolean extras = config.extras();

    Map<String, double[]> perQuery = new LinkedHashMap<>();
    for (String m : config.metrics()) {
      for (int k : ks) {
        perQuery.put(m + "@" + k, new double[n]);
      }
    }
    int[] popularity = extras ? trainCounts(ctx.split(), numItems) : null;
    boolean[][] covered = extras ? new boolean[ks.length][numItems] : null;
    if (extras) {
      for (int k : ks) {
        perQuery.put("avg-popularity@" + k, new double[n]);
      }
    }

    double[] discount = new double[maxK];
    double[] idealPrefix = new double[maxK + 1];
    for (int r = 0; r < maxK; r++) {
      discount[r] = 1.0 / (Math.log(r + 2) / Math.log(2)); // 1 / log2(rank + 1), rank = r + 1
      idealPrefix[r + 1] = idealPrefix[r] + discount[r];
    }

    int itemBlock = config.itemBlock() == 0 ? Math.max(numItems, 1) : config.itemBlock();
    for (int qFrom = 0; qFrom < n; qFrom += config.queryBlock()) {
      int rows = Math.min(config.queryBlock(), n - qFrom);
      long[] qids = Arrays.copyOfRange(evaluated, qFrom, qFrom + rows);
      TopKHeap heap = new TopKHeap(rows, maxK);
      int[] seenCursor = new int[rows];
      for (int from = 0; from < numItems; from += itemBlock) {
        int to = Math.min(from + itemBlock, numItems);
        int width = to - from;
        if (offerCandidates(scorer, qids, from, to, maxK, seen, heap, ctx.manager())) {
          continue;
        }
        float[] scores = scoreBlock(scorer, qids, from, to, ctx.manager()); // [rows * width]
        for (int r = 0; r < rows; r++) {
          int[] s = seen == null ? QueryItems.EMPTY : seen[(int) qids[r]];
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
      for (int r = 0; r < rows; r++) {
        int[] list = heap.drainSorted(r);
        score(qFrom + r, list, targets[(int) qids[r]], ks, discount, idealPrefix, perQuery, popularity, covered);
      }
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : perQuery.entrySet()) {
      metrics.put(e.getKey(), mean(e.getValue()));
    }
    if (extras) {
      for (int i = 0; i < ks.length; i++) {
        int count = 0;
        for (boolean b : covered[i]) {
          count += b ? 1 : 0;
        }
        metrics.put("coverage@" + ks[i], numItems == 0 ? Double.NaN : (double) count / numItems);
      }
    }
    return new Evaluation(metrics, perQuery, evaluated);
  }

  private void score(int index, int[] list, int[] targets, int[] ks, double[] discount,
      double[] idealPrefix, Map<String, double[]> perQuery, int[] popularity, boolean[][] covered) {
    int len = list.length;
    boolean[] hit = new boolean[len];
    for (int r = 0; r < len; r++) {
      hit[r] = Arrays.binarySearch(targets, list[r]) >= 0;
    }
    int hits = 0;
    double dcg = 0;
    int firstHit = 0; // 1-based rank of the first hit, 0 = none yet
    double popSum = 0;
    int r = 0;
    for (int i = 0; i < ks.length; i++) {
      int k = ks[i];
      int upTo = Math.min(k, len);
      for (; r < upTo; r++) {
        if (hit[r]) {
          hits++;
          dcg += discount[r];
          if (firstHit == 0) {
            firstHit = r + 1;
          }
        }
        if (popularity != null) {
          popSum += popularity[list[r]];
        }
      }
      for (String m : config.metrics()) {
        double v = switch (m) {
          case "recall" -> (double) hits / targets.length;
          case "hit" -> hits > 0 ? 1.0 : 0.0;
          case "precision" -> (double) hits / k;
          case "ndcg" -> dcg / idealPrefix[Math.min(targets.length, k)];
          case "mrr" -> firstHit == 0 ? 0.0 : 1.0 / firstHit;
          default -> throw new IllegalStateException("metric " + m);
        };
        perQuery.get(m + "@" + k)[index] = v;
      }
      if (popularity != null) {
        perQuery.get("avg-popularity@" + k)[index] = upTo == 0 ? 0.0 : popSum / upTo;
        for (int j = 0; j < upTo; j++) {
          covered[i][list[j]] = true;
        }
      }
    }
  }

  /**
   * The fast path: selects each row's candidates on the engine ({@code topK} of
   * {@code maxK + seen-in-block + 1} per row) and copies only those out, instead of the whole
   * {@code rows x width} block. Exact: a row's candidates contain every item of the block that can
   * enter its top {@code maxK} unless the {@code maxK}-th kept score equals the smallest candidate
   * score (a tie that may continue outside the candidates) or a score is NaN; then this returns
   * {@code false} before offering anything and the caller scores the block the slow way.
   */
  private static boolean offerCandidates(Scorer scorer, long[] qids, int from, int to, int maxK, int[][] seen,
      TopKHeap heap, NDManager parent) {
    int width = to - from;
    int rows = qids.length;
    int[] seenIn = new int[rows];
    int maxSeen = 0;
    for (int r = 0; r < rows; r++) {
      int[] s = seen == null ? QueryItems.EMPTY : seen[(int) qids[r]];
      seenIn[r] = lowerBound(s, to) - lowerBound(s, from);
      maxSeen = Math.max(maxSeen, seenIn[r]);
    }
    int c = maxK + maxSeen + 1;
    if (c >= width) {
      return false; // the block is small: copying it whole costs no more
    }
    float[] values;
    long[] indices;
    try (NDManager block = parent.newSubManager()) {
      NDArray scores = scorer.scoreBlock(qids, from, to, block); // [rows, width]
      Shape expected = new Shape(rows, width);
      if (!scores.getShape().equals(expected)) {
        throw new IllegalStateException("scorer returned a block of shape " + scores.getShape()
            + " for " + rows + " queries x items [" + from + ", " + to + "), expected " + expected);
      }
      ai.djl.ndarray.NDList top = scores.topK(c, 1, true, true); // values [rows, c], indices [rows, c]
      values = top.get(0).toFloatArray();
      indices = top.get(1).toLongArray();
    }
    for (int r = 0; r < rows; r++) {
      int[] s = seen == null ? QueryItems.EMPTY : seen[(int) qids[r]];
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
        if (++kept == maxK) {
          kth = v;
        }
      }
      if (kept < maxK || kth == values[r * c + c - 1]) {
        return false;
      }
    }
    for (int r = 0; r < rows; r++) {
      int[] s = seen == null ? QueryItems.EMPTY : seen[(int) qids[r]];
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
  private static float[] scoreBlock(Scorer scorer, long[] qids, int from, int to, NDManager parent) {
    try (NDManager block = parent.newSubManager()) {
      NDArray scores = scorer.scoreBlock(qids, from, to, block); // [rows, to - from]
      Shape expected = new Shape(qids.length, to - from);
      if (!scores.getShape().equals(expected)) {
        throw new IllegalStateException("scorer returned a block of shape " + scores.getShape()
            + " for " + qids.length + " queries x items [" + from + ", " + to + "), expected " + expected);
      }
      return scores.toFloatArray();
    }
  }

  private static long[] evaluatedQueries(int[][] targets) {
    int n = 0;
    for (int[] t : targets) {
      n += t.length > 0 ? 1 : 0;
    }
    long[] out = new long[n];
    int i = 0;
    for (int q = 0; q < targets.length; q++) {
      if (targets[q].length > 0) {
        out[i++] = q;
      }
    }
    return out;
  }

  /** Training interactions per item (positive rows only when the log carries the label). */
  static int[] trainCounts(Split split, int numItems) {
    int[] counts = new int[numItems];
    InteractionLog train = split.train();
    if (train == null) {
      return counts;
    }
    float[] keep = train.hasLabel(POSITIVE) ? train.label(POSITIVE) : null;
    int[] items = train.items();
    for (int r = 0; r < items.length; r++) {
      if ((keep == null || keep[r] > 0f) && items[r] >= 0 && items[r] < numItems) {
        counts[items[r]]++;
      }
    }
    return counts;
  }

  /** The config's {@code exclude-seen}, else the split's setting, else true. */
  boolean excludeSeen(Split split) {
    if (config.excludeSeen() != null) {
      return config.excludeSeen();
    }
    Object v = split.settings().get("exclude-seen");
    if (v == null) {
      return true;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new UserException("Setting exclude-seen of protocol '" + split.protocol() + "' is '" + v
        + "', expected true or false. Fix data.protocol.exclude-seen in the config, or set"
        + " exclude-seen on the topk evaluator (evaluators[].exclude-seen).");
  }

  private static double mean(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }
}
