package org.towerlab.modules.metarelated;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
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
import org.towerlab.api.nn.Tensors;

/**
 * Popularity inverse-propensity weighting around any loss (Jaspal et al., arXiv 2507.09403: "off-policy
 * correction via inverse propensity weighting" against popularity bias [P: abstract]; the formula
 * is the recipe of the paper notes [I]). Each row's weight comes from the popularity of its item
 * ({@code LossInput.ids().items()}):
 *
 * <pre>
 *   c(v)   = training count of item v (positives, or shown logged rows: propensity: impression)
 *   p(v)   = c(v) / mean_u c(u)                  (share of v, scaled so the corpus mean is 1)
 *   w_i    = clip(p(v_i)^-beta, w_min, w_max)     (an item never counted: w_max; beta = 0: 1)
 *   L      = sum_i w_i l_i / sum_i w_i            (the wrapped loss's weightedMean)
 * </pre>
 *
 * The weights multiply the trainer's own ({@code trainer.ipw}) when those are set, and the wrapped
 * loss reduces with {@link LossInput#weightedMean}, which is the self-normalized form above; a loss
 * that ignores {@code LossInput.weights} would ignore this wrapper too (the baseline losses, hinge,
 * gnolr and the ARF losses all honour it). Scaling {@code p} by the corpus mean changes nothing in
 * {@code L} (a constant factor cancels) except where the clip bites: the clip is stated relative
 * to an item of average popularity. Invariants ({@code PopularityIpwLossTest}): uniform counts give
 * the unweighted loss; every weight is in {@code [w_min, w_max]}.
 *
 * <p>Composes with any loss of the positives or logged row modes (a list's first slot says nothing
 * of the list, so list mode is refused). The counts come from the training part only.
 */
public final class PopularityIpwLoss implements Loss, Parameterized, Compatibility {
  private final PopularityIpwLossConfig config;
  private final Loss inner;
  private final String path;
  private float[] weightOf;

  /**
   * @param inner the built wrapped loss
   * @param path the config path, for messages ({@code $.loss})
   */
  public PopularityIpwLoss(PopularityIpwLossConfig config, Loss inner, String path) {
    this.config = config;
    this.inner = inner;
    this.path = path;
  }

  public Loss inner() {
    return inner;
  }

  /** Counts item popularity on the training part; initializes the wrapped loss under {@code loss.inner}. */
  @Override
  public void initialize(InitContext ctx) {
    if (inner instanceof Parameterized p) {
      p.initialize(ctx.scope("inner"));
    }
    weightOf = weights(counts(ctx.split()), config.beta(), config.minWeight(), config.maxWeight());
  }

  /** Training counts per item: positives, or shown logged rows ({@code impression}). */
  private int[] counts(Split split) {
    int[] c = new int[split.dataset().numItems()];
    InteractionLog rows;
    if (config.propensity().equals("impression")) {
      if (!split.hasLogged()) {
        throw new UserException(noImpressions(split));
      }
      rows = split.logged("train");
    } else {
      rows = split.train();
    }
    boolean[] shown = rows.exposed();
    for (int r = 0; r < rows.size(); r++) {
      if (shown == null || shown[r]) {
        c[rows.items()[r]]++;
      }
    }
    return c;
  }

  /**
   * {@code w(v) = clip((c(v) / mean c)^-beta, wMin, wMax)} for every item; an item with count 0
   * gets {@code wMax} (its propensity estimate is 0) unless {@code beta = 0}.
   */
  static float[] weights(int[] counts, double beta, double wMin, double wMax) {
    double total = 0;
    for (int c : counts) {
      total += c;
    }
    double mean = total / Math.max(1, counts.length);
    float[] w = new float[counts.length];
    for (int v = 0; v < counts.length; v++) {
      double p = mean > 0 ? counts[v] / mean : 1.0;
      double raw = beta == 0 ? 1.0 : p == 0 ? Double.POSITIVE_INFINITY : Math.pow(p, -beta);
      w[v] = (float) Math.min(wMax, Math.max(wMin, raw));
    }
    return w;
  }

  /** The weight of each item (after {@link #initialize}). */
  public float[] itemWeights() {
    return weightOf.clone();
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    if (weightOf == null) {
      throw new IllegalStateException("popularity-ipw used before initialize");
    }
    if (in.ids() == null || in.ids().items() == null) {
      throw new IllegalStateException("popularity-ipw needs the rows' item ids (LossInput.ids)");
    }
    long[] items = in.ids().items();
    float[] w = new float[items.length];
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = weightOf[(int) items[i]];
      sum += w[i];
    }
    fwd.logMetric("ipw-weight", sum / Math.max(1, w.length));
    NDArray weights = Tensors.create(fwd.manager(), w); // [B]
    if (in.weights() != null) {
      weights = in.weights().mul(weights); // [B]
    }
    LossInput weighted = new LossInput(in.scores(), in.negatives(), in.negativeMask(), in.scoreLogQ(),
        in.negativeLogQ(), in.labels(), weights, in.teacher(), in.listScores(), in.listLabels(), in.listMask(),
        in.listTeacher(), in.queryOutput(), in.itemOutput(), in.ids());
    return inner.compute(weighted, fwd);
  }

  @Override
  public boolean needsNegatives() {
    return inner.needsNegatives();
  }

  @Override
  public boolean needsTeacher() {
    return inner.needsTeacher();
  }

  /** The wrapped loss's modes without lists. */
  @Override
  public List<TrainingRows> rows() {
    List<TrainingRows> out = new ArrayList<>(inner.rows());
    out.remove(TrainingRows.LISTS);
    return out;
  }

  @Override
  public String incompatibility(Parts parts) {
    if (rows().isEmpty()) {
      return "The popularity-ipw loss at " + path + " weights rows by their item's popularity, but the loss it wraps ("
          + inner.getClass().getSimpleName() + ") trains on candidate lists only. Wrap a loss of positive or logged"
          + " rows.";
    }
    if (parts.split() != null && config.propensity().equals("impression") && !parts.split().hasLogged()) {
      return noImpressions(parts.split());
    }
    if (inner instanceof Compatibility c) {
      return c.incompatibility(new Parts(parts.model(), parts.queryTower(), parts.itemTower(), parts.interaction(),
          parts.sampler(), inner, parts.trainer(), parts.split()));
    }
    return null;
  }

  private String noImpressions(Split split) {
    return "The popularity-ipw loss at " + path + " counts impressions (propensity: impression), but protocol '"
        + split.protocol() + "' on data set '" + split.dataset().name() + "' keeps no logged rows. Use propensity:"
        + " engagement, or data with shown rows.";
  }
}
