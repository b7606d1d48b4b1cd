package org.towerlab.evaluators;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.towerlab.api.UserException;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/**
 * Off-policy evaluation of the model's deterministic ranking policy from logged bandit feedback
 * with logging propensities: the position-based estimator of the Open Bandit Pipeline (Saito,
 * Aihara, Matsutani and Narita, "Open Bandit Dataset and Pipeline: Towards Realistic and
 * Reproducible Off-Policy Evaluation", NeurIPS 2021 Datasets and Benchmarks).
 *
 * <p>Each shown logged row {@code i} of the part is an impression: query {@code x_i}, item
 * {@code a_i} at position {@code p_i} (0-based), reward {@code r_i} (the {@code label} value) and
 * logging propensity {@code pi_0(a_i | x_i, p_i)} (the log's {@code propensities} column: the
 * probability that the logging policy put that item at that position). The evaluated policy
 * {@code pi_e} puts at position {@code p} the item at rank {@code p + 1} of the model's ranking of
 * the whole corpus for {@code x} ({@link CorpusRanking}: higher score first, ties to the lower item
 * id; seen items removed only with {@code exclude-seen: true}), so
 * {@code pi_e(a | x, p) = 1[L_x[p] = a]} and the weight is
 * {@code w_i = min(1[L_{x_i}[p_i] = a_i] / pi_0(a_i | x_i, p_i), clip)}. {@link OffPolicyEstimate}
 * turns weights and rewards into
 *
 * <ul>
 *   <li>{@code ips}, {@code ips-lower}, {@code ips-upper}: the IPS estimate of the expected reward
 *       per impression under {@code pi_e} (the logged positions kept: each impression is one slot of
 *       a ranking, with the logged mix of positions) and its normal interval;
 *   <li>{@code snips}, {@code snips-lower}, {@code snips-upper}: the self-normalized estimate
 *       (Swaminathan and Joachims, NeurIPS 2015) and its delta-method interval;
 *   <li>{@code ess}: the effective sample size {@code (sum w)^2 / sum w^2};
 *   <li>{@code matched}: the rows where {@code pi_e} picks the logged item; {@code impressions}: {@code n};
 *       {@code logged-reward}: the mean logged reward, the logging policy's own value;
 *   <li>{@code truth-value}, on data with ground truth only (the simulator): the value the estimates
 *       estimate, {@code (1/n) sum_i rel(x_i, L_{x_i}[p_i])} with {@link GroundTruth#relevance} (the
 *       click probability), over the logged queries and slots.
 * </ul>
 *
 * <p>Rows are taken as independent impressions. No per-query values: the interval is the
 * estimator's own. See {@code docs/metrics.md} ("Off-policy estimates").
 */
public final class IpsEvaluator implements Evaluator {
  private final IpsEvaluatorConfig config;
  private final String path;

  public IpsEvaluator(IpsEvaluatorConfig config) {
    this(config, EvalSupport.NO_PATH);
  }

  /** @param path the config path of this evaluator ({@code $.evaluators[0]}), for messages */
  public IpsEvaluator(IpsEvaluatorConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public IpsEvaluatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "ips";
  }

  @Override
  public Set<String> scorerNames() {
    return config.scorer() == null ? Set.of() : Set.of(config.scorer());
  }

  @Override
  public String incompatibility(Split split) {
    if (!split.hasLogged()) {
      return "The ips evaluator at " + path + " needs every logged impression of the part (rewarded or"
          + " not) with its position and logging propensity, but protocol '" + split.protocol()
          + "' of data set '" + split.dataset().name() + "' keeps only the positive rows. Use a protocol"
          + " that keeps the logged rows (data.protocol.type: ctr) on data that logs propensities"
          + " (open-bandit, or a csv with position-column and propensity-column), or remove the evaluator.";
    }
    return missing(split.logged("test"), split);
  }

  /** Null when {@code rows} has positions, propensities and the reward label, else the reason. */
  private String missing(InteractionLog rows, Split split) {
    String what = rows.positions() == null && rows.propensities() == null ? "positions and logging propensities"
        : rows.positions() == null ? "positions" : rows.propensities() == null ? "logging propensities" : null;
    if (what != null) {
      return "The ips evaluator at " + path + " needs the " + what + " of the logged impressions, but data set '"
          + split.dataset().name() + "' does not log them (open-bandit does; a csv needs position-column and"
          + " propensity-column). Evaluate this data with topk or pointwise, or remove the evaluator.";
    }
    if (rows.stages() != null) {
      return "The ips evaluator at " + path + " weighs each impression by the probability that the logging"
          + " policy put that item in that slot, but data set '" + split.dataset().name() + "' is a cascade log"
          + " (it has logging stages), whose propensities are the probability that an item reaches a request's"
          + " shown slate, and whose clicks depend on the position. Use the single-stage simulator (no cascade:"
          + " section) or open-bandit, or remove the evaluator.";
    }
    if (!rows.hasLabel(config.label())) {
      return "The ips evaluator at " + path + " takes its reward from label '" + config.label() + "' (" + path
          + ".label), but the split of data set '" + split.dataset().name() + "' by protocol '" + split.protocol()
          + "' has the labels " + new TreeSet<>(rows.labelNames()) + ". Set " + path + ".label to one of them.";
    }
    return null;
  }

  @Override
  public Evaluation evaluate(EvalContext ctx) {
    Split split = ctx.split();
    String reason = split.hasLogged() ? missing(split.logged(ctx.part()), split) : incompatibility(split);
    if (reason != null) {
      throw new UserException(reason);
    }
    InteractionLog rows = PointwiseEvaluator.shown(split.logged(ctx.part()));
    int n = rows.size();
    float[] reward = rows.label(config.label());
    int[] positions = rows.positions();
    float[] propensity = rows.propensities();
    int[] queries = rows.queries();
    int[] items = rows.items();
    int maxPosition = -1;
    for (int i = 0; i < n; i++) {
      if (!(propensity[i] > 0f) || propensity[i] > 1f) {
        throw new UserException("Logged row " + i + " of split part '" + ctx.part() + "' (query " + queries[i]
            + ", item " + items[i] + ") has logging propensity " + propensity[i] + ", outside (0, 1]; the ips"
            + " evaluator at " + path + " divides by it. Fix the data's propensity column.");
      }
      if (positions[i] < 0) {
        throw new UserException("Logged row " + i + " of split part '" + ctx.part() + "' has position "
            + positions[i] + "; positions are 0-based. Fix the data's position column.");
      }
      maxPosition = Math.max(maxPosition, positions[i]);
    }

    boolean excludeSeen = config.excludeSeen();
    Scorer scorer = EvalSupport.scorer(ctx, config.scorer(), path, "scorer", excludeSeen);
    if (config.task() != null) {
      scorer = scorer.task(config.task());
    }
    int bound = QueryItems.queryBound(rows);
    int[][] lists = new int[bound][];
    if (n > 0) {
      long[] distinct = Arrays.stream(queries).distinct().sorted().asLongStream().toArray();
      CorpusRanking ranking = new CorpusRanking(scorer, EvalSupport.seen(ctx, excludeSeen, bound), maxPosition + 1,
          config.itemBlock(), ctx.manager());
      for (int from = 0; from < distinct.length; from += config.queryBlock()) {
        long[] block = Arrays.copyOfRange(distinct, from, Math.min(from + config.queryBlock(), distinct.length));
        int[][] top = ranking.top(block);
        for (int j = 0; j < block.length; j++) {
          lists[(int) block[j]] = top[j];
        }
      }
    }

    double[] w = new double[n];
    double[] r = new double[n];
    int matched = 0;
    double rewardSum = 0;
    for (int i = 0; i < n; i++) {
      int[] list = lists[queries[i]];
      boolean match = positions[i] < list.length && list[positions[i]] == items[i];
      double weight = match ? 1.0 / propensity[i] : 0.0;
      w[i] = config.clip() == null ? weight : Math.min(weight, config.clip());
      r[i] = reward[i];
      matched += match ? 1 : 0;
      rewardSum += reward[i];
    }
    OffPolicyEstimate e = OffPolicyEstimate.of(w, r, config.level());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("ips", e.ips());
    metrics.put("ips-lower", e.ipsLower());
    metrics.put("ips-upper", e.ipsUpper());
    metrics.put("snips", e.snips());
    metrics.put("snips-lower", e.snipsLower());
    metrics.put("snips-upper", e.snipsUpper());
    metrics.put("ess", e.ess());
    metrics.put("matched", (double) matched);
    metrics.put("impressions", (double) n);
    metrics.put("logged-reward", n == 0 ? Double.NaN : rewardSum / n);
    Optional<GroundTruth> truth = split.dataset().truth();
    if (truth.isPresent() && n > 0) {
      double value = 0;
      for (int i = 0; i < n; i++) {
        int[] list = lists[queries[i]];
        value += positions[i] < list.length ? truth.get().relevance(queries[i], list[positions[i]]) : 0.0;
      }
      metrics.put("truth-value", value / n);
    }
    String label = LabelRule.POSITIVE.equals(config.label()) ? "" : config.label() + "/";
    return EvalSupport.prefixed(EvalSupport.scorerPrefix(config.scorer())
        + EvalSupport.taskPrefix(config.task(), config.label()) + label, metrics, Map.of(), null);
  }
}
