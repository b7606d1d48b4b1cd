package org.towerlab.evaluators;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * Full-corpus top-K evaluation: every query with at least one target row is ranked against the
 * whole item corpus (no sampled candidates), with the items of its seen interactions removed
 * unless {@code exclude-seen} is false, and the ranking is scored with the metrics as RecBole
 * defines them (Zhao et al., "RecBole: Towards a Unified, Comprehensive and Efficient Framework
 * for Recommendation Algorithms", CIKM 2021):
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
 * are also targets: as in RecBole they stay in |targets| and can never be hit.
 *
 * <p>Target items are the distinct items of the query's relevant rows: by default the part's
 * positive rows ({@code positive} label above 0; every row when the log has no such label). With
 * {@code label: like} they are the part's shown logged rows whose {@code like} value is above 0
 * (or at least {@code min-label}), and every key is prefixed {@code like/}; with
 * {@code scorer: ranker} the run's named scorer {@code ranker} is ranked instead of the system
 * under test and keys are prefixed {@code ranker/} (before the label: {@code ranker/like/recall@20}).
 * See {@code docs/metrics.md}.
 */
public final class TopKEvaluator implements Evaluator {
  /** The label that marks a positive row. */
  public static final String POSITIVE = LabelRule.POSITIVE;

  private final TopKEvaluatorConfig config;
  private final String path;
  private final LabelRule rule;

  public TopKEvaluator(TopKEvaluatorConfig config) {
    this(config, EvalSupport.NO_PATH);
  }

  /** @param path the config path of this evaluator ({@code $.evaluators[0]}), for messages */
  public TopKEvaluator(TopKEvaluatorConfig config, String path) {
    this.config = config;
    this.path = path;
    this.rule = new LabelRule(config.label(), config.minLabel());
  }

  public TopKEvaluatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "full-corpus-topk";
  }

  @Override
  public String incompatibility(Split split) {
    return rule.incompatibility(split, path, "topk");
  }

  @Override
  public Set<String> scorerNames() {
    return config.scorer() == null ? Set.of() : Set.of(config.scorer());
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    boolean excludeSeen = EvalSupport.excludeSeen(config.excludeSeen(), ctx.split(), path);
    Scorer scorer = EvalSupport.scorer(ctx, config.scorer(), path, "scorer", excludeSeen);
    if (config.task() != null) {
      scorer = scorer.task(config.task());
    }
    int numItems = scorer.numItems();
    InteractionLog target = rule.rows(ctx);
    int queryBound = QueryItems.queryBound(target);
    float[] keep = rule.keep(target, path, "topk", ctx.split());
    int[][] targets = QueryItems.sortedDistinct(target, keep, queryBound);
    EvalSupport.checkTargets(ctx, targets, numItems);
    int[][] seen = EvalSupport.seen(ctx, excludeSeen, queryBound);

    long[] evaluated = EvalSupport.queriesWithTargets(targets);
    int n = evaluated.length;
    int[] ks = ConfigChecks.sorted(config.ks());
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

    double[] discount = TopKScoring.discounts(maxK);
    double[] idealPrefix = TopKScoring.idealPrefix(discount);

    CorpusRanking ranking = new CorpusRanking(scorer, seen, maxK, config.itemBlock(), ctx.manager());
    for (int qFrom = 0; qFrom < n; qFrom += config.queryBlock()) {
      int rows = Math.min(config.queryBlock(), n - qFrom);
      long[] qids = Arrays.copyOfRange(evaluated, qFrom, qFrom + rows);
      int[][] lists = ranking.top(qids);
      for (int r = 0; r < rows; r++) {
        TopKScoring.score(config.metrics(), qFrom + r, lists[r], targets[(int) qids[r]], ks, discount, idealPrefix,
            perQuery, popularity, covered);
      }
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : perQuery.entrySet()) {
      metrics.put(e.getKey(), EvalSupport.mean(e.getValue()));
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
    return EvalSupport.prefixed(EvalSupport.scorerPrefix(config.scorer()) + EvalSupport.taskPrefix(config.task(), config.label()) + rule.prefix(), metrics, perQuery,
        evaluated);
  }

  /** Training interactions per item (positive rows only when the log carries the label). */
  public static int[] trainCounts(Split split, int numItems) {
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
}
