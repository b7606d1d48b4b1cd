package org.towerlab.evaluators;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * Pointwise evaluation for the {@code ctr} protocol: every row of the target part (positive and
 * negative) is scored with {@link Scorer#scorePairs}, in blocks of {@code block} rows on a
 * sub-manager each, and reported as
 *
 * <ul>
 *   <li>{@code auc}: Mann-Whitney AUC over all rows, tied scores counting one half;
 *   <li>{@code gauc}: per-query AUC weighted by the query's row count, over the queries that have
 *       both classes: {@code sum_q n_q AUC_q / sum_q n_q} (Zhou et al., "Deep Interest Network for
 *       Click-Through Rate Prediction", KDD 2018, weight by impressions);
 *   <li>{@code logloss}: mean binary cross-entropy of {@code p = sigmoid(score)} clipped to
 *       {@code [1e-7, 1 - 1e-7]}.
 * </ul>
 *
 * <p>Per-query values ({@link Evaluation#perQuery()}, queries ascending): {@code auc} (NaN for a
 * query with one class only; such values must be left out of any aggregate or paired test) and
 * {@code logloss} (the query's mean).
 *
 * <p>A row is positive when its {@code positive} label is above 0 (the default), or, with
 * {@code label: like}, when its {@code like} value is above 0 (or at least {@code min-label}); then
 * every key is prefixed {@code like/}. With {@code scorer: ranker} the run's named scorer
 * {@code ranker} is scored instead of the system under test and keys are prefixed {@code ranker/}
 * (before the label). See {@code docs/metrics.md}.
 */
public final class PointwiseEvaluator implements Evaluator {
  private final PointwiseEvaluatorConfig config;
  private final String path;
  private final LabelRule rule;

  public PointwiseEvaluator(PointwiseEvaluatorConfig config) {
    this(config, EvalSupport.NO_PATH);
  }

  /** @param path the config path of this evaluator ({@code $.evaluators[0]}), for messages */
  public PointwiseEvaluator(PointwiseEvaluatorConfig config, String path) {
    this.config = config;
    this.path = path;
    this.rule = new LabelRule(config.label(), config.minLabel());
  }

  public PointwiseEvaluatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "pointwise";
  }

  /** Applies when the split logs shown rows of both classes (the {@code ctr} protocol, Coat, the simulator). */
  @Override
  public boolean appliesTo(Split split) {
    return split.hasLoggedNegatives();
  }

  @Override
  public String incompatibility(Split split) {
    return split.hasLogged() ? rule.incompatibility(split, path, "pointwise") : null;
  }

  @Override
  public Set<String> scorerNames() {
    return config.scorer() == null ? Set.of() : Set.of(config.scorer());
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    InteractionLog target = shown(ctx.split().logged(ctx.part()));
    if (!target.hasLabel(rule.label())) {
      if (!rule.isDefault()) {
        rule.keep(target, path, "pointwise", ctx.split()); // throws, naming the known labels
      }
      throw new UserException("Split part '" + ctx.part() + "' of protocol '" + ctx.split().protocol()
          + "' has no '" + TopKEvaluator.POSITIVE + "' label (labels: " + target.labelNames()
          + "), so the pointwise evaluator cannot tell clicks from non-clicks. Use the ctr protocol"
          + " (data.protocol.type: ctr), or evaluate this split with the topk evaluator.");
    }
    float[] label = target.label(rule.label());
    int n = target.size();
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = rule.relevant(label[i]);
    }
    Scorer scorer = EvalSupport.scorer(ctx, config.scorer(), path, "scorer", false);
    if (config.task() != null) {
      scorer = scorer.task(config.task());
    }
    double[] scores = scoreRows(scorer, target, ctx.manager());

    int bound = QueryItems.queryBound(target);
    int[][] rowsOf = QueryItems.rowsByQuery(target, bound);
    int numQueries = 0;
    for (int[] rows : rowsOf) {
      numQueries += rows.length > 0 ? 1 : 0;
    }
    long[] queries = new long[numQueries];
    double[] aucPerQuery = new double[numQueries];
    double[] lossPerQuery = new double[numQueries];
    double weighted = 0;
    long weight = 0;
    int i = 0;
    for (int q = 0; q < bound; q++) {
      int[] rows = rowsOf[q];
      if (rows.length == 0) {
        continue;
      }
      queries[i] = q;
      aucPerQuery[i] = PointwiseMetrics.auc(scores, y, rows);
      lossPerQuery[i] = PointwiseMetrics.logLoss(scores, y, rows);
      if (!Double.isNaN(aucPerQuery[i])) {
        weighted += rows.length * aucPerQuery[i];
        weight += rows.length;
      }
      i++;
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String m : config.metrics()) {
      switch (m) {
        case "auc" -> metrics.put("auc", PointwiseMetrics.auc(scores, y, null));
        case "gauc" -> metrics.put("gauc", weight == 0 ? Double.NaN : weighted / weight);
        case "logloss" -> metrics.put("logloss", PointwiseMetrics.logLoss(scores, y, null));
        default -> throw new IllegalStateException("metric " + m);
      }
    }
    Map<String, double[]> perQuery = new LinkedHashMap<>();
    perQuery.put("auc", aucPerQuery);
    perQuery.put("logloss", lossPerQuery);
    return EvalSupport.prefixed(EvalSupport.scorerPrefix(config.scorer()) + EvalSupport.taskPrefix(config.task(), config.label()) + rule.prefix(), metrics, perQuery,
        queries);
  }

  /** The shown rows of a logged part (logged candidates that were never shown have no feedback). */
  static InteractionLog shown(InteractionLog logged) {
    boolean[] exposed = logged.exposed();
    if (exposed == null) {
      return logged;
    }
    boolean all = true;
    for (boolean e : exposed) {
      all &= e;
    }
    return all ? logged : logged.filter(exposed);
  }

  private double[] scoreRows(Scorer scorer, InteractionLog target, NDManager parent) {
    int n = target.size();
    double[] out = new double[n];
    int[] queries = target.queries();
    int[] items = target.items();
    for (int from = 0; from < n; from += config.block()) {
      int to = Math.min(from + config.block(), n);
      long[] q = new long[to - from];
      long[] it = new long[to - from];
      for (int r = from; r < to; r++) {
        q[r - from] = queries[r];
        it[r - from] = items[r];
      }
      float[] s;
      try (NDManager block = parent.newSubManager()) {
        s = scorer.scorePairs(q, it, block); // [to - from]
      }
      if (s.length != to - from) {
        throw new IllegalStateException("scorer returned " + s.length + " pair scores for " + (to - from) + " pairs");
      }
      for (int r = 0; r < s.length; r++) {
        out[from + r] = s[r];
      }
    }
    return out;
  }
}
