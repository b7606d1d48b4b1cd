package org.towerlab.evaluators;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.UserException;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * The model's full-corpus top-K against the truly best items, for data sets whose true relevance
 * is known ({@link GroundTruth}, the simulator): what logged clicks can only estimate. For each
 * evaluated query, with {@code C} the candidate items (the whole corpus minus the query's seen
 * items), {@code L} the model's ranking of {@code C} and {@code T} the ranking of {@code C} by true
 * relevance {@code rel(q, i) = GroundTruth.relevance(q, i)} (both: higher first, then lower item id),
 * and {@code K' = min(K, |C|)}:
 *
 * <ul>
 *   <li>{@code truth/recall@K} = |L[1..K] ∩ T[1..K]| / K': the share of the K truly best unseen
 *       items that the model's top-K finds;
 *   <li>{@code truth/ndcg@K} = DCG / IDCG with graded gains {@code rel}: DCG = sum over r <= K' of
 *       rel(L[r]) / log2(r + 1), IDCG the same over T;
 *   <li>{@code truth/relevance@K} = mean of rel(L[r]) over r <= K'.
 * </ul>
 *
 * <p>The evaluated queries are those the default {@code topk} evaluator evaluates: at least one
 * positive row in the part (its per-query values align). Values that are undefined for a query
 * (no candidate left, IDCG = 0) are NaN and left out of the means. The evaluator applies only to
 * data sets with ground truth, and {@link #incompatibility} refuses the others. See
 * {@code docs/metrics.md}.
 */
public final class TruthEvaluator implements Evaluator {
  private final TruthEvaluatorConfig config;
  private final String path;

  public TruthEvaluator(TruthEvaluatorConfig config) {
    this(config, EvalSupport.NO_PATH);
  }

  /** @param path the config path of this evaluator ({@code $.evaluators[0]}), for messages */
  public TruthEvaluator(TruthEvaluatorConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public TruthEvaluatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "truth";
  }

  @Override
  public boolean appliesTo(Split split) {
    return split.dataset().truth().isPresent();
  }

  @Override
  public String incompatibility(Split split) {
    return appliesTo(split) ? null : noTruth(split, path, "truth");
  }

  @Override
  public Set<String> scorerNames() {
    return config.scorer() == null ? Set.of() : Set.of(config.scorer());
  }

  /** The message for a data set without ground truth. */
  static String noTruth(Split split, String path, String type) {
    return "The " + type + " evaluator at " + path + " compares with the true relevance, but data set '"
        + split.dataset().name() + "' has no ground truth (only the simulator knows it). Remove " + path
        + " or run it on data: {type: simulator}.";
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    GroundTruth truth = ctx.split().dataset().truth()
        .orElseThrow(() -> new UserException(noTruth(ctx.split(), path, "truth")));
    boolean excludeSeen = EvalSupport.excludeSeen(config.excludeSeen(), ctx.split(), path);
    Scorer scorer = EvalSupport.scorer(ctx, config.scorer(), path, "scorer", excludeSeen);
    int numItems = scorer.numItems();
    InteractionLog target = ctx.target();
    int queryBound = QueryItems.queryBound(target);
    float[] keep = target.hasLabel(LabelRule.POSITIVE) ? target.label(LabelRule.POSITIVE) : null;
    long[] evaluated = EvalSupport.queriesWithTargets(QueryItems.sortedDistinct(target, keep, queryBound));
    int[][] seen = EvalSupport.seen(ctx, excludeSeen, queryBound);
    int n = evaluated.length;
    int[] ks = ConfigChecks.sorted(config.ks());
    int maxK = ks[ks.length - 1];
    double[] discount = EvalSupport.discounts(maxK);

    Map<String, double[]> perQuery = new LinkedHashMap<>();
    for (String m : config.metrics()) {
      for (int k : ks) {
        perQuery.put(m + "@" + k, new double[n]);
      }
    }
    double[] rel = new double[numItems];
    int[] mark = new int[numItems]; // mark[i] == stamp: item i is in the true top-k being counted
    int stamp = 0;
    TopKHeap best = new TopKHeap(1, maxK);
    CorpusRanking ranking = new CorpusRanking(scorer, seen, maxK, config.itemBlock(), ctx.manager());
    for (int qFrom = 0; qFrom < n; qFrom += config.queryBlock()) {
      int rows = Math.min(config.queryBlock(), n - qFrom);
      long[] qids = Arrays.copyOfRange(evaluated, qFrom, qFrom + rows);
      int[][] lists = ranking.top(qids);
      for (int r = 0; r < rows; r++) {
        int q = (int) qids[r];
        int[] s = ranking.seen(q);
        int candidates = 0;
        int c = 0;
        for (int item = 0; item < numItems; item++) {
          if (c < s.length && s[c] == item) {
            c++;
            continue;
          }
          rel[item] = truth.relevance(q, item);
          best.offer(0, rel[item], item);
          candidates++;
        }
        int[] ideal = best.drainSorted(0);
        int[] list = lists[r];
        int index = qFrom + r;
        for (int k : ks) {
          int kk = Math.min(k, candidates);
          stamp++;
          for (int j = 0; j < kk; j++) {
            mark[ideal[j]] = stamp;
          }
          int found = 0;
          double dcg = 0;
          double idcg = 0;
          double sum = 0;
          for (int j = 0; j < kk; j++) {
            found += mark[list[j]] == stamp ? 1 : 0;
            dcg += rel[list[j]] * discount[j];
            idcg += rel[ideal[j]] * discount[j];
            sum += rel[list[j]];
          }
          put(perQuery, "recall@" + k, index, kk == 0 ? Double.NaN : (double) found / kk);
          put(perQuery, "ndcg@" + k, index, idcg > 0 ? dcg / idcg : Double.NaN);
          put(perQuery, "relevance@" + k, index, kk == 0 ? Double.NaN : sum / kk);
        }
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    perQuery.forEach((k, v) -> metrics.put(k, EvalSupport.meanDefined(v)));
    return EvalSupport.prefixed(EvalSupport.scorerPrefix(config.scorer()) + "truth/", metrics, perQuery, evaluated);
  }

  private static void put(Map<String, double[]> perQuery, String key, int index, double value) {
    double[] v = perQuery.get(key);
    if (v != null) {
      v[index] = value;
    }
  }
}
