package org.towerlab.evaluators;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Scorer;

/** What the evaluators share: which scorer, which items count as seen, key prefixes, means. */
final class EvalSupport {
  /** Path used in messages when an evaluator was built without one (tests, benchmarks). */
  static final String NO_PATH = "$.evaluators[]";

  private EvalSupport() {}

  /** Seen rows plus seed rows, per seen log (identity); weak keys, so finished runs' logs go. */
  private static final Map<InteractionLog, InteractionLog> WITH_SEEDS =
      Collections.synchronizedMap(new WeakHashMap<>());
  /** The seed rows {@code (q, q)} alone, per number of queries. */
  private static final Map<Integer, InteractionLog> SEEDS = new ConcurrentHashMap<>();

  /**
   * The scorer an evaluator evaluates: the run's named scorer {@code name} (its {@code scorer:}
   * option), or the scorer under test when {@code name} is null; with the items a query never gets
   * ({@link #excluded}) removed before any internal truncation ({@link Scorer#excluding}).
   *
   * @param key the config key that named it, for the message ({@code scorer}, {@code reference})
   */
  static Scorer scorer(EvalContext ctx, String name, String path, String key, boolean seenExcluded) {
    Scorer s = name == null ? ctx.scorer() : named(ctx, name, path, key);
    InteractionLog excluded = excluded(ctx, seenExcluded);
    return excluded != null ? s.excluding(excluded) : s;
  }

  /**
   * The rows whose items are removed from a query's ranking: its seen rows when
   * {@code excludeSeen}, and, when the queries are items ({@link QueryKind#ITEM}: related-item
   * retrieval), the seed item itself, whatever {@code exclude-seen} says (an item is never its own
   * related item). {@code null} when nothing is removed. The same log object is returned for the
   * same inputs, so scorers that cache per seen set ({@code DenseScores}) compute once.
   */
  static InteractionLog excluded(EvalContext ctx, boolean excludeSeen) {
    InteractionLog seen = excludeSeen ? ctx.seen() : null;
    if (ctx.split().dataset().queryKind() != QueryKind.ITEM) {
      return seen;
    }
    int n = ctx.split().dataset().numQueries();
    InteractionLog seeds = SEEDS.computeIfAbsent(n, EvalSupport::seedRows);
    return seen == null ? seeds : WITH_SEEDS.computeIfAbsent(seen, s -> concat(s, seeds));
  }

  /** The rows {@code (q, q)} for {@code q = 0 .. n-1}. */
  private static InteractionLog seedRows(int n) {
    int[] ids = new int[n];
    for (int q = 0; q < n; q++) {
      ids[q] = q;
    }
    return new InteractionLog(ids, ids.clone(), new long[n], Map.of(), null, null, null);
  }

  /** The queries and items of {@code a} then {@code b} (no labels: only the pairs matter). */
  private static InteractionLog concat(InteractionLog a, InteractionLog b) {
    int n = a.size() + b.size();
    int[] q = new int[n];
    int[] it = new int[n];
    System.arraycopy(a.queries(), 0, q, 0, a.size());
    System.arraycopy(b.queries(), 0, q, a.size(), b.size());
    System.arraycopy(a.items(), 0, it, 0, a.size());
    System.arraycopy(b.items(), 0, it, a.size(), b.size());
    return new InteractionLog(q, it, new long[n], Map.of(), null, null, null);
  }

  private static Scorer named(EvalContext ctx, String name, String path, String key) {
    Scorer s = ctx.scorers().get(name);
    if (s == null) {
      throw new UserException("The evaluator at " + path + " asks for scorer '" + name + "' (" + path + "." + key
          + "), but this run has " + (ctx.scorers().isEmpty()
              ? "no named scorers (only strategies with several models, such as cascade or distill, name them)"
              : "the named scorers " + new TreeSet<>(ctx.scorers().keySet()))
          + ". Set " + path + "." + key + " to one of them, or remove it to evaluate the system under test.");
    }
    return s;
  }

  /** The evaluator's {@code exclude-seen} when given, else the split's setting, else true. */
  static boolean excludeSeen(Boolean configured, Split split, String path) {
    if (configured != null) {
      return configured;
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
        + " exclude-seen on the evaluator (" + path + ".exclude-seen).");
  }

  /**
   * Sorted distinct removed items per query id below {@code queryBound} ({@link #excluded}: the seen
   * items, and the seed item of an item query), or null when none are removed.
   */
  static int[][] seen(EvalContext ctx, boolean excludeSeen, int queryBound) {
    InteractionLog excluded = excluded(ctx, excludeSeen);
    return excluded == null ? null : QueryItems.sortedDistinct(excluded, null, queryBound);
  }

  /** Throws when a target item lies outside the scorer's corpus. */
  static void checkTargets(EvalContext ctx, int[][] targets, int numItems) {
    for (int q = 0; q < targets.length; q++) {
      int[] t = targets[q];
      if (t.length > 0 && (t[0] < 0 || t[t.length - 1] >= numItems)) {
        throw new UserException("Split part '" + ctx.part() + "' of protocol '" + ctx.split().protocol()
            + "' has a target item id outside [0, " + numItems + ") for query " + q
            + "; the scorer's corpus and the split's item ids disagree. Check that the model was built"
            + " for this data set (data: section of the config).");
      }
    }
  }

  /** The query ids with at least one target, ascending. */
  static long[] queriesWithTargets(int[][] targets) {
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

  /** {@code "<scorer>/"} or the empty string. */
  static String scorerPrefix(String scorer) {
    return scorer == null ? "" : scorer + "/";
  }

  /** {@code "<task>/"}, or the empty string without a task or when the label prefix says the same. */
  static String taskPrefix(String task, String label) {
    return task == null || task.equals(label) ? "" : task + "/";
  }

  /** The evaluation with every metric and per-query key prefixed by {@code prefix}. */
  static Evaluation prefixed(String prefix, Map<String, Double> metrics, Map<String, double[]> perQuery,
      long[] queries) {
    if (prefix.isEmpty()) {
      return new Evaluation(metrics, perQuery, queries);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    metrics.forEach((k, v) -> m.put(prefix + k, v));
    Map<String, double[]> p = new LinkedHashMap<>();
    perQuery.forEach((k, v) -> p.put(prefix + k, v));
    return new Evaluation(m, p, queries);
  }

  /** The mean, NaN for no values. */
  static double mean(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  /** The mean of the values that are not NaN, NaN when there are none. */
  static double meanDefined(double[] v) {
    double sum = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        sum += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** {@code 1 / log2(r + 2)} for ranks {@code r + 1 = 1 .. n}. */
  static double[] discounts(int n) {
    double[] d = new double[n];
    for (int r = 0; r < n; r++) {
      d[r] = 1.0 / (Math.log(r + 2) / Math.log(2));
    }
    return d;
  }
}
