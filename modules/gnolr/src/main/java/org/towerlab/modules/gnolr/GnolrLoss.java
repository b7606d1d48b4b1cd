package org.towerlab.modules.gnolr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * GNOLR's nested ordinal logistic loss (Zhang et al., "Embed Progressive Implicit Preference in
 * Unified Space for Deep Collaborative Filtering", KDD 2025, arXiv 2505.20900). For each logged row
 * with ordinal class {@code y in {0..K}} ({@link OrdinalLevels}) and the two towers' level heads:
 *
 * <pre>
 *   c_k   = &lt;u_k, v_k&gt;                              [B, K]  cosines of the L2-normalized heads
 *   z_k   = sum_{i&lt;=k} S_i c_i                       [B, K]  nested cumulative logits
 *   p_k   = P(y &gt;= k) = sigmoid(z_k - a_k)           [B, K]  = m_k / (m_k + exp(-z_k)), a_k = -ln m_k
 *   P^(t)(j) = 1 - p_1 (j = 0),  p_j - p_{j+1} (0 &lt; j &lt; t),  p_t (j = t)   the first t levels
 *   loss  = mean_rows sum_{t=1..K} -log P^(t)(min(y, t))      (nested: true)
 *         = mean_rows -log P^(K)(y)                           (nested: false)
 * </pre>
 *
 * For K = 2 the nested form is the official {@code ordinal_multi_tasks_gnolr}: the BCE of level 1
 * plus the full ordinal likelihood; for K &gt; 2 it is {@code ..._with_multi_feedback}; for K = 1
 * both are the binary logistic loss on the logit {@code S_1 c_1 - a_1}. Rows are averaged with the
 * trainer's weights ({@link LossInput#weightedMean}).
 *
 * <p><b>Thresholds.</b> {@code a_k = -ln m_k} with {@code m_k = pi_k / (1 - pi_k)} from the
 * positive rates of the training part's shown logged rows (never valid or test), or from
 * {@code odds}. With {@code learn-thresholds} they are parameters ({@code loss.thresholds}, K
 * values theta): {@code a_1 = theta_1}, {@code a_k = a_{k-1} + S_k + softplus(theta_k)}, monotone and
 * guard-safe by construction, initialized at {@code -ln m_k}, with the official regularizer
 * {@code beta * mean_k (a_k + ln m_k)^2}; their values are logged as {@code train/gnolr-a<k>}.
 *
 * <p><b>Guard.</b> {@code P(y = k-1) = p_{k-1} - p_k > 0} for every cosine only if
 * {@code S_k < a_k - a_{k-1}} (the official README's answer to the NaN of
 * {@code log(p_1 - p_2)}); the check runs on the training data before anything is written
 * ({@link #incompatibility}). The difference is computed stably as
 * {@code log sigmoid(x) + log sigmoid(-y) + log(1 - exp(-(x - y)))} for {@code x = z_{k-1} - a_{k-1} > y = z_k - a_k}.
 *
 * <p><b>Rows.</b> Logged rows only ({@link TrainingRows#LOGGED}): the likelihood needs class 0, the
 * shown but not engaged rows, and thresholds from shown rates. Positives against sampled
 * negatives are refused, not approximated: a sampled item was never shown, so calling it class 0
 * would change the model and make {@code a_k} meaningless.
 *
 * <p>Reads the heads of {@link LossInput#queryOutput()} and {@link LossInput#itemOutput()}
 * ({@code [B, K, d]}, normalized again here so that {@code |c_k| <= 1}, the guard's premise);
 * {@link LossInput#scores()} is not used.
 */
public final class GnolrLoss implements Loss, Parameterized, Compatibility {
  private static final float MIN_GAP = 1e-6f;
  private final GnolrLossConfig config;
  private final String path;
  private final OrdinalLevels levels;
  private final int k;
  private final float[] scales;
  private float[] initial;
  private NDArray theta;

  public GnolrLoss(GnolrLossConfig config, String path) {
    this.config = config;
    this.path = path;
    this.levels = OrdinalLevels.of(config);
    this.k = levels.count();
    this.scales = new float[k];
    for (int i = 0; i < k; i++) {
      scales[i] = config.scales().get(i).floatValue();
    }
  }

  public GnolrLossConfig config() {
    return config;
  }

  /** The levels and how a row's class is derived. */
  public OrdinalLevels levels() {
    return levels;
  }

  /** The initial (or fixed) thresholds {@code a_k = -ln m_k}, after {@link #initialize}. */
  public float[] initialThresholds() {
    if (initial == null) {
      throw new IllegalStateException("the gnolr loss at " + path + " is not initialized");
    }
    return initial.clone();
  }

  @Override
  public boolean needsNegatives() {
    return false;
  }

  @Override
  public List<TrainingRows> rows() {
    return List.of(TrainingRows.LOGGED);
  }

  @Override
  public void initialize(InitContext ctx) {
    String problem = dataProblem(ctx.split());
    if (problem != null) {
      throw new UserException(problem);
    }
    double[] a = thresholds(ctx.split());
    initial = new float[k];
    for (int i = 0; i < k; i++) {
      initial[i] = (float) a[i];
    }
    if (config.learnThresholds()) {
      float[] theta0 = new float[k];
      theta0[0] = (float) a[0];
      for (int i = 1; i < k; i++) {
        double g = a[i] - a[i - 1] - scales[i]; // > 0 by the guard
        theta0[i] = (float) (g > 20 ? g : Math.log(Math.expm1(g)));
      }
      theta = ctx.params().create("thresholds", new Shape(k), (shape, rng) -> theta0.clone());
    }
  }

  /** {@code a_k} for a split: from {@code odds}, or from the training positive rates. */
  double[] thresholds(Split split) {
    if (config.odds() != null) {
      return OrdinalLevels.thresholdsFromOdds(config.odds());
    }
    return OrdinalLevels.thresholdsFromRates(levels.positiveRates(OrdinalLevels.shown(split.logged("train"))));
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    NDManager m = fwd.manager();
    NDArray c = cosines(in.queryOutput(), in.itemOutput()); // [B, K]
    int b = Math.toIntExact(c.getShape().get(0));
    NDArray a = thresholds(fwd); // [K]
    NDArray logits = nestedLogits(c, Tensors.create(m, scales)).sub(a); // [B, K], z_k - a_k

    Map<String, float[]> labels = new HashMap<>();
    for (String name : levels.labelsRead()) {
      labels.put(name, in.label(name).toFloatArray());
    }
    int[] y = levels.classes(labels, b);
    float[] w0 = new float[b];
    float[] wTop = new float[b * k];
    float[] wMid = new float[b * Math.max(k - 1, 1)];
    for (int r = 0; r < b; r++) {
      coefficients(y[r], r, w0, wMid, wTop);
    }
    NDArray l0 = softplus(logits.get(":, 0")).neg(); // [B], log(1 - p_1)
    NDArray lTop = softplus(logits.neg()).neg(); // [B, K], log p_k
    NDArray nll = l0.mul(Tensors.create(m, w0)) // [B]
        .add(lTop.mul(Tensors.create(m, wTop, new Shape(b, k))).sum(new int[] {1}));
    if (k > 1) {
      NDArray lMid = logDifference(logits.get(":, 0:" + (k - 1)), logits.get(":, 1:")); // [B, K-1]
      nll = nll.add(lMid.mul(Tensors.create(m, wMid, new Shape(b, k - 1))).sum(new int[] {1}));
    }
    NDArray loss = in.weightedMean(nll.neg()); // []
    if (theta != null) {
      NDArray drift = a.sub(Tensors.create(m, initial)).square().mean(); // []
      loss = loss.add(drift.mul(Tensors.scalar(m, config.thresholdWeight().floatValue())));
      float[] values = a.toFloatArray();
      for (int i = 0; i < k; i++) {
        fwd.logMetric("gnolr-a" + (i + 1), values[i]);
      }
    }
    return loss;
  }

  /**
   * How often each log-probability enters row r's loss: {@code -log P^(t)(min(y, t))} for
   * {@code t = 1..K} (nested) or {@code t = K} only. Class 0 takes {@code log(1 - p_1)}; class
   * {@code 0 < y < t} takes {@code log(p_y - p_{y+1})}; class {@code y >= t} takes {@code log p_t}.
   */
  private void coefficients(int y, int r, float[] w0, float[] wMid, float[] wTop) {
    int from = config.nested() ? 1 : k;
    for (int t = from; t <= k; t++) {
      if (y == 0) {
        w0[r] += 1;
      } else if (y < t) {
        wMid[r * (k - 1) + (y - 1)] += 1;
      } else {
        wTop[r * k + (t - 1)] += 1;
      }
    }
  }

  /** The level cosines {@code [B, K]} of two outputs' heads, normalized here. */
  NDArray cosines(TowerOutput query, TowerOutput item) {
    if (query == null || item == null) {
      throw new IllegalStateException("the gnolr loss reads the towers' outputs; this step passed none");
    }
    NDArray u = GnolrTower.unit(heads(query, "query")); // [B, K, d]
    NDArray v = GnolrTower.unit(heads(item, "item")); // [B, K, d]
    return u.mul(v).sum(new int[] {2}); // [B, K]
  }

  private NDArray heads(TowerOutput out, String side) {
    NDArray h = out.heads();
    if (h == null || h.getShape().dimension() != 3 || h.getShape().get(1) != k) {
      throw new IllegalArgumentException("the gnolr loss at " + path + " has " + k + " levels " + levels.names()
          + " and reads " + k + " heads per tower, but the " + side + " output has "
          + (h == null ? "no heads" : "heads " + h.getShape()) + "; use gnolr towers with levels: " + k);
    }
    return h;
  }

  /** {@code z = cumsum_k(S_k c_k)}: {@code [B, K]}. */
  static NDArray nestedLogits(NDArray cosines, NDArray scales) {
    return cosines.mul(scales).cumSum(1); // [B, K]
  }

  /** The thresholds {@code [K]} on the batch manager (a function of the parameters when learned). */
  NDArray thresholds(Forward fwd) {
    NDManager m = fwd.manager();
    if (theta == null) {
      if (initial == null) {
        throw new IllegalStateException("the gnolr loss at " + path + " is not initialized");
      }
      return Tensors.create(m, initial);
    }
    NDArray t = Tensors.create(m, new float[k]).add(theta); // [K], on the batch manager
    if (k == 1) {
      return t;
    }
    float[] s = new float[k - 1];
    System.arraycopy(scales, 1, s, 0, k - 1);
    NDArray gaps = softplus(t.get("1:")).add(Tensors.create(m, s)); // [K-1], S_k + softplus(theta_k)
    return NDArrays.concat(new NDList(t.get("0:1"), gaps), 0).cumSum(0); // [K]
  }

  /** {@code log(1 + exp(x))}, stable; {@code max(x, 0)} as relu (see Tensors on Java numbers). */
  static NDArray softplus(NDArray x) {
    return Activation.relu(x).add(x.abs().neg().exp().add(1f).log());
  }

  /**
   * {@code log(sigmoid(x) - sigmoid(y))} for {@code x > y}, stable:
   * {@code -softplus(-x) - softplus(y) + log(1 - exp(-(x - y)))}, the gap floored at 1e-6 (reached
   * only if the guard is broken).
   */
  static NDArray logDifference(NDArray x, NDArray y) {
    NDArray gap = Activation.relu(x.sub(y).sub(MIN_GAP)).add(MIN_GAP); // x - y, floored
    NDArray log1mExp = gap.neg().exp().neg().add(1f).log();
    return softplus(x.neg()).neg().sub(softplus(y)).add(log1mExp);
  }

  /**
   * The class probabilities {@code [B, K+1]} for cosines {@code [B, K]}: {@code 1 - p_1},
   * {@code p_k - p_{k+1}}, {@code p_K} with {@code p_k = sigmoid(z_k - a_k)}. For tests and analysis.
   */
  public NDArray classProbabilities(NDArray cosines, Forward fwd) {
    NDManager m = fwd.manager();
    NDArray p = Activation.sigmoid(nestedLogits(cosines, Tensors.create(m, scales)).sub(thresholds(fwd))); // [B, K]
    long b = p.getShape().get(0);
    NDArray one = m.ones(new Shape(b, 1));
    NDArray upper = NDArrays.concat(new NDList(one, p), 1); // [B, K+1]: 1, p_1..p_K
    NDArray lower = NDArrays.concat(new NDList(p, m.zeros(new Shape(b, 1))), 1); // [B, K+1]: p_1..p_K, 0
    return upper.sub(lower);
  }

  @Override
  public String incompatibility(Parts parts) {
    String model = modelProblem(parts);
    if (model != null) {
      return model;
    }
    return parts.split() == null ? null : dataProblem(parts.split());
  }

  private String modelProblem(Parts parts) {
    if (parts.interaction() instanceof GnolrInteraction gi) {
      if (gi.levels().size() != k) {
        return "The gnolr loss at " + path + " has " + k + " levels " + levels.names() + " but the gnolr interaction"
            + " has " + gi.levels().size() + " " + gi.levels() + "; give both the same number of levels.";
      }
      float[] is = gi.scales();
      boolean same = java.util.Arrays.equals(is, scales);
      boolean ones = true;
      boolean equal = true;
      for (int i = 0; i < k; i++) {
        ones &= is[i] == 1f;
        equal &= scales[i] == scales[0];
      }
      if (!same && !(ones && equal)) {
        return "The gnolr interaction ranks level k by z_k = sum_{i<=k} S_i c_i with scales " + format(is)
            + ", but the gnolr loss at " + path + " trains with scales " + config.scales() + ". Set model.interaction"
            + ".scales to " + config.scales() + " (unset is fine only when the loss's scales are all equal).";
      }
      return null;
    }
    String[] names = {"model.query-tower", "model.item-tower"};
    Object[] towers = {parts.queryTower(), parts.itemTower()};
    for (int i = 0; i < 2; i++) {
      if (towers[i] != null && !(towers[i] instanceof GnolrTower g && g.config().levels() == k)) {
        return "The gnolr loss at " + path + " reads " + k + " level heads from each tower, but " + names[i]
            + " is not a gnolr tower with levels: " + k + ". Use {type: gnolr, levels: " + k + "} (with base: {type:"
            + " ...} to keep another tower under the heads).";
      }
    }
    return null;
  }

  /** Null when the split can train this loss, else why not (rows, labels, rates, the guard). */
  String dataProblem(Split split) {
    String where = "data set '" + split.dataset().name() + "' by protocol '" + split.protocol() + "'";
    if (!split.hasLogged()) {
      return "The gnolr loss at " + path + " trains on logged rows: every shown row with its ordinal class, class 0"
          + " being shown but not engaged. The split of " + where + " keeps positive rows only, and positives"
          + " against sampled negatives are not GNOLR's likelihood (a sampled item was never shown, so it is not"
          + " class 0, and the thresholds need shown rates). Use a protocol that keeps every rating as a logged row"
          + " ({type: ctr, min-rating: 3} on MovieLens) or a data set with an exposure column (simulator, open-bandit,"
          + " csv with exposure-column).";
    }
    InteractionLog train = OrdinalLevels.shown(split.logged("train"));
    for (String name : levels.labelsRead()) {
      if (!train.hasLabel(name)) {
        return "The gnolr loss at " + path + " reads label '" + name + "' for its levels, but the logged rows of "
            + where + " have the labels " + new java.util.TreeSet<>(train.labelNames()) + ". Set " + path
            + (config.labels() != null ? ".labels" : ".label") + " to some of them.";
      }
    }
    double[] rates = levels.positiveRates(train);
    if (config.odds() == null) {
      for (int i = 0; i < k; i++) {
        if (!(rates[i] > 0 && rates[i] < 1)) {
          return "The gnolr loss at " + path + " sets threshold a_k = -ln(pi_k / (1 - pi_k)) from the training positive"
              + " rate pi_k of each level, but level '" + levels.names().get(i) + "' has rate " + rates[i] + " over the "
              + train.size() + " shown training rows of " + where + ". Use levels that occur and do not cover every"
              + " row, or set " + path + ".odds.";
        }
      }
    }
    double[] a = thresholds(split);
    List<Integer> bad = OrdinalLevels.guardViolations(a, config.scales());
    if (bad.isEmpty()) {
      return null;
    }
    double[] bound = OrdinalLevels.scaleBounds(a);
    List<String> badNames = new ArrayList<>();
    List<Double> suggestion = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      double s = config.scales().get(i);
      if (bad.contains(i)) {
        badNames.add(levels.names().get(i));
        s = bound[i] > 0 ? Math.floor(0.9 * bound[i] * 100) / 100 : Double.NaN;
      }
      suggestion.add(s);
    }
    String fix = suggestion.stream().anyMatch(s -> !(s > 0))
        ? "The thresholds do not increase with the level (a deeper level is more frequent), so no scale is safe:"
            + " check the order of the levels."
        : "Set " + path + ".scales to at most those, for example " + suggestion + " (and model.interaction.scales to"
            + " the same list).";
    return "GNOLR's class probabilities p_{k-1} - p_k stay positive only when S_k < a_k - a_{k-1} (the official"
        + " code's guard against the NaN of log(p_1 - p_2)), but " + path + ".scales is " + config.scales() + ". On "
        + where + " the levels " + levels.names() + " have training positive rates " + OrdinalLevels.format(rates)
        + ", thresholds a = " + OrdinalLevels.format(a) + " and scale bounds " + OrdinalLevels.format(bound)
        + "; broken for " + badNames + ". " + fix;
  }

  private static String format(float[] v) {
    List<String> s = new ArrayList<>();
    for (float x : v) {
      s.add(String.format(Locale.ROOT, "%s", (double) x));
    }
    return s.toString();
  }
}
