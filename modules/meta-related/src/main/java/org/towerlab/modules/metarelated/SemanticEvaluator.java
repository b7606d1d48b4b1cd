package org.towerlab.modules.metarelated;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.PairRelevance;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * The semantic relevance of the recommended items, reported beside the engagement metrics of the
 * {@code topk} evaluator so that the balance of Meta's related-video retrieval shows in one run
 * (Jaspal et al., arXiv 2507.09403 report the topic-match rate of the recommendations [P:
 * abstract]). For each query with at least one positive row in the part (the queries {@code topk}
 * evaluates, so per-query values align), the model's top-K over the corpus (the seed item removed,
 * and the seen items when {@code exclude-seen}; higher score first, ties to the lower item id), and
 * {@code rel} the data set's relevance rule ({@code Dataset.relevance()}):
 *
 * <ul>
 *   <li>{@code semantic/relevant@K}: the share of the top-K with {@code rel >= threshold} (the
 *       topic-match rate);
 *   <li>{@code semantic/relevance@K}: the mean {@code rel} of the top-K (on the simulator with the
 *       {@code truth} rule: the true relevance);
 *   <li>{@code semantic/corpus-relevant}: the share of relevant items among the query's candidates,
 *       what a random ranking would reach;
 *   <li>{@code semantic/target-relevant}: the share of relevant items among the query's engaged
 *       targets in the part, what a ranking that found exactly the co-engaged items would reach.
 * </ul>
 *
 * Keys are prefixed {@code <task>/} with {@code task:}. Applies to data sets with a relevance rule
 * (the {@code co-engagement} source); {@link #incompatibility} refuses the others.
 */
public final class SemanticEvaluator implements Evaluator {
  private final SemanticEvaluatorConfig config;
  private final String path;

  /** @param path the config path, for messages ({@code $.evaluators[1]}) */
  public SemanticEvaluator(SemanticEvaluatorConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  @Override
  public String name() {
    return "semantic";
  }

  @Override
  public boolean appliesTo(Split split) {
    return split.dataset().relevance() != null;
  }

  @Override
  public String incompatibility(Split split) {
    return appliesTo(split) ? null : "The semantic evaluator at " + path + " measures the relevance of the top-K by the"
        + " data set's relevance rule, but data set '" + split.dataset().name() + "' has none. Use data: {type:"
        + " co-engagement, relevance: {...}}, or remove " + path + ".";
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    Split split = ctx.split();
    PairRelevance rel = split.dataset().relevance();
    double threshold = config.threshold() != null ? config.threshold() : rel.threshold();
    boolean excludeSeen = config.excludeSeen() != null ? config.excludeSeen()
        : Boolean.parseBoolean(String.valueOf(split.settings().getOrDefault("exclude-seen", "true")));
    boolean seeds = split.dataset().queryKind() == QueryKind.ITEM;
    Scorer scorer = ctx.scorer();
    InteractionLog excluded = excluded(excludeSeen ? ctx.seen() : null, seeds ? split.dataset().numQueries() : 0);
    if (excluded != null) {
      scorer = scorer.excluding(excluded); // a cascade keeps them out of its upstream top-M too
    }
    if (config.task() != null) {
      scorer = scorer.task(config.task());
    }
    int numItems = scorer.numItems();
    InteractionLog target = ctx.target();
    float[] keep = target.hasLabel("positive") ? target.label("positive") : null;
    Map<Integer, List<Integer>> targets = new java.util.TreeMap<>();
    for (int r = 0; r < target.size(); r++) {
      if (keep == null || keep[r] > 0) {
        targets.computeIfAbsent(target.queries()[r], q -> new ArrayList<>()).add(target.items()[r]);
      }
    }
    long[] queries = targets.keySet().stream().mapToLong(Integer::longValue).toArray();
    Map<Integer, int[]> seen = excludeSeen && ctx.seen() != null ? seenItems(ctx.seen()) : Map.of();
    int[] ks = config.ks().stream().mapToInt(Integer::intValue).sorted().toArray();
    int maxK = ks[ks.length - 1];
    int n = queries.length;
    Map<String, double[]> perQuery = new LinkedHashMap<>();
    for (int k : ks) {
      perQuery.put("relevant@" + k, new double[n]);
      perQuery.put("relevance@" + k, new double[n]);
    }
    double[] corpus = new double[n];
    double[] targetRelevant = new double[n];
    for (int from = 0; from < n; from += config.queryBlock()) {
      int rows = Math.min(config.queryBlock(), n - from);
      long[] block = Arrays.copyOfRange(queries, from, from + rows);
      float[] scores;
      try (NDManager m = ctx.manager().newSubManager()) {
        scores = scorer.scoreBlock(block, 0, numItems, m).toFloatArray(); // [rows * numItems]
      }
      for (int r = 0; r < rows; r++) {
        int q = (int) block[r];
        int index = from + r;
        boolean[] removed = new boolean[numItems];
        for (int i : seen.getOrDefault(q, new int[0])) {
          removed[i] = true;
        }
        if (seeds && q < numItems) {
          removed[q] = true;
        }
        int[] top = top(scores, r * numItems, numItems, removed, maxK);
        int candidates = 0;
        int relevantCandidates = 0;
        for (int i = 0; i < numItems; i++) {
          if (!removed[i]) {
            candidates++;
            relevantCandidates += rel.relevance(q, i) >= threshold ? 1 : 0;
          }
        }
        corpus[index] = candidates == 0 ? Double.NaN : (double) relevantCandidates / candidates;
        List<Integer> t = targets.get(q);
        int tr = 0;
        for (int i : t) {
          tr += rel.relevance(q, i) >= threshold ? 1 : 0;
        }
        targetRelevant[index] = (double) tr / t.size();
        int hits = 0;
        double sum = 0;
        int j = 0;
        for (int k : ks) {
          int upTo = Math.min(k, top.length);
          for (; j < upTo; j++) {
            double v = rel.relevance(q, top[j]);
            sum += v;
            hits += v >= threshold ? 1 : 0;
          }
          perQuery.get("relevant@" + k)[index] = upTo == 0 ? Double.NaN : (double) hits / upTo;
          perQuery.get("relevance@" + k)[index] = upTo == 0 ? Double.NaN : sum / upTo;
        }
      }
    }
    perQuery.put("corpus-relevant", corpus);
    perQuery.put("target-relevant", targetRelevant);
    String prefix = (config.task() == null ? "" : config.task() + "/") + "semantic/";
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, double[]> prefixed = new LinkedHashMap<>();
    perQuery.forEach((k, v) -> {
      metrics.put(prefix + k, meanDefined(v));
      prefixed.put(prefix + k, v);
    });
    return new Evaluation(metrics, prefixed, queries);
  }

  /**
   * The {@code k} best items of one row of scores (higher first, ties to the lower item id, NaN
   * below every number), skipping removed items; fewer when fewer are left.
   */
  static int[] top(float[] scores, int offset, int numItems, boolean[] removed, int k) {
    // a bounded min-heap on (score, -id): its root is the worst kept item
    int[] heap = new int[k];
    int size = 0;
    for (int i = 0; i < numItems; i++) {
      if (removed[i]) {
        continue;
      }
      if (size < k) {
        heap[size] = i;
        up(heap, size++, scores, offset);
      } else if (better(i, heap[0], scores, offset)) {
        heap[0] = i;
        down(heap, size, scores, offset);
      }
    }
    Integer[] out = new Integer[size];
    for (int i = 0; i < size; i++) {
      out[i] = heap[i];
    }
    Arrays.sort(out, (a, b) -> better(a, b, scores, offset) ? -1 : better(b, a, scores, offset) ? 1 : 0);
    return Arrays.stream(out).mapToInt(Integer::intValue).toArray();
  }

  /** Whether item a ranks above item b: higher score, NaN lowest, ties to the lower id. */
  private static boolean better(int a, int b, float[] s, int offset) {
    float x = s[offset + a];
    float y = s[offset + b];
    boolean xn = Float.isNaN(x);
    boolean yn = Float.isNaN(y);
    if (xn != yn) {
      return yn;
    }
    if (!xn && x != y) {
      return x > y;
    }
    return a < b;
  }

  private static void up(int[] h, int i, float[] s, int off) {
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!better(h[p], h[i], s, off)) {
        return;
      }
      int t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  }

  private static void down(int[] h, int size, float[] s, int off) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int w = i;
      if (l < size && better(h[w], h[l], s, off)) {
        w = l;
      }
      if (r < size && better(h[w], h[r], s, off)) {
        w = r;
      }
      if (w == i) {
        return;
      }
      int t = h[w];
      h[w] = h[i];
      h[i] = t;
      i = w;
    }
  }

  /** The seen rows (or none) plus the seed rows {@code (q, q)} of {@code seedQueries} item queries; null when empty. */
  static InteractionLog excluded(InteractionLog seen, int seedQueries) {
    if (seedQueries == 0) {
      return seen;
    }
    int n = (seen == null ? 0 : seen.size()) + seedQueries;
    int[] q = new int[n];
    int[] it = new int[n];
    int k = 0;
    if (seen != null) {
      System.arraycopy(seen.queries(), 0, q, 0, seen.size());
      System.arraycopy(seen.items(), 0, it, 0, seen.size());
      k = seen.size();
    }
    for (int s = 0; s < seedQueries; s++, k++) {
      q[k] = s;
      it[k] = s;
    }
    return new InteractionLog(q, it, new long[n], Map.of(), null, null, null);
  }

  private static Map<Integer, int[]> seenItems(InteractionLog seen) {
    Map<Integer, List<Integer>> lists = new java.util.HashMap<>();
    for (int r = 0; r < seen.size(); r++) {
      lists.computeIfAbsent(seen.queries()[r], q -> new ArrayList<>()).add(seen.items()[r]);
    }
    Map<Integer, int[]> out = new java.util.HashMap<>();
    lists.forEach((q, l) -> out.put(q, l.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  private static double meanDefined(double[] v) {
    double sum = 0;
    int c = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        sum += x;
        c++;
      }
    }
    return c == 0 ? Double.NaN : sum / c;
  }
}
