package org.towerlab.modules.metarelated;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.List;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.data.PairRelevance;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.nn.Tensors;

/**
 * The multi-task objective of Meta's related-video retrieval (Jaspal et al., arXiv 2507.09403:
 * "multi-task learning over co-engagement and semantic relevance" [P: abstract]; the form
 * {@code L = L_eng + lambda L_rel} is the recipe of the paper notes [I]) for {@code task-heads}
 * towers:
 *
 * <pre>
 *   L_eng = the engagement loss on the primary scores (the engagement heads; any loss)
 *   z_ij  = scale * &lt;q_r(i), v_r(j)&gt;               relevance-head logits (unit heads: a cosine)
 *   in-batch: L_rel = mean_i w_i mean_j BCE(z_ij, rel(q_i, v_j)) / mean_i w_i   [B, B] pairs
 *   rows:     L_rel = mean_i w_i BCE(z_ii, y_i) / mean_i w_i                    the rows' labels
 *   L     = L_eng + lambda L_rel
 * </pre>
 *
 * with {@code BCE(z, y) = softplus(z) - y z} for graded targets {@code y} in [0, 1], {@code rel}
 * the data set's relevance rule ({@code Dataset.relevance()}, read for the batch's cross pairs,
 * which the engagement loss treats as negatives: the relevance head learns which of them are on
 * topic) and {@code w_i} the row weights ({@link LossInput#weightedMean}). {@code L_rel} is logged
 * as {@code train/relevance-bce}. The wrapped engagement loss sees the input unchanged, so with
 * {@code lambda = 0} the loss equals it.
 */
public final class MultiTaskLoss implements Loss, Parameterized, Compatibility {
  private final MultiTaskLossConfig config;
  private final Loss engagement;
  private final String path;
  private PairRelevance rule;

  /**
   * @param engagement the built engagement loss
   * @param path the config path, for messages
   */
  public MultiTaskLoss(MultiTaskLossConfig config, Loss engagement, String path) {
    this.config = config;
    this.engagement = engagement;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    if (engagement instanceof Parameterized p) {
      p.initialize(ctx.scope("engagement"));
    }
    rule = ctx.dataset().relevance();
    if (config.pairs().equals("in-batch") && rule == null) {
      throw new UserException(noRule(ctx.split()));
    }
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    NDArray lEng = engagement.compute(in, fwd); // []
    if (config.relevanceWeight() == 0) {
      return lEng;
    }
    NDArray lRel = relevance(in, fwd); // []
    fwd.logMetric("relevance-bce", lRel);
    return lEng.add(lRel.mul(Tensors.scalar(fwd.manager(), config.relevanceWeight().floatValue())));
  }

  /** {@code L_rel}: the relevance head's weighted mean BCE over the configured pairs. */
  NDArray relevance(LossInput in, Forward fwd) {
    if (in.queryOutput() == null || in.itemOutput() == null) {
      throw new IllegalStateException("meta-multitask needs the rows' tower outputs (LossInput.outputs)");
    }
    NDArray q = TaskHeadsInteraction.head(in.queryOutput(), TaskHeadsTower.RELEVANCE_HEAD); // [B, d]
    NDArray v = TaskHeadsInteraction.head(in.itemOutput(), TaskHeadsTower.RELEVANCE_HEAD); // [B, d]
    NDArray scale = Tensors.scalar(fwd.manager(), config.relevanceScale().floatValue());
    NDArray perRow;
    if (config.pairs().equals("rows")) {
      NDArray z = q.mul(v).sum(new int[] {1}).mul(scale); // [B]
      perRow = bce(z, in.label(config.relevanceLabel())); // [B]
    } else {
      if (in.ids() == null) {
        throw new IllegalStateException("meta-multitask in-batch pairs need the rows' ids (LossInput.ids)");
      }
      long[] qs = in.ids().queries();
      long[] items = in.ids().items();
      int b = qs.length;
      float[] target = new float[b * b];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < b; j++) {
          target[i * b + j] = (float) rule.relevance((int) qs[i], (int) items[j]);
        }
      }
      NDArray z = q.matMul(v.transpose()).mul(scale); // [B, B]
      NDArray y = Tensors.create(fwd.manager(), target, new Shape(b, b)); // [B, B]
      perRow = bce(z, y).mean(new int[] {1}); // [B]
    }
    return in.weightedMean(perRow); // []
  }

  /** {@code softplus(z) - y z}, stable ({@code max(z, 0)} as relu). */
  static NDArray bce(NDArray z, NDArray y) {
    return z.abs().neg().exp().add(1f).log().add(Activation.relu(z)).sub(z.mul(y));
  }

  @Override
  public boolean needsNegatives() {
    return engagement.needsNegatives();
  }

  @Override
  public boolean needsTeacher() {
    return engagement.needsTeacher();
  }

  @Override
  public List<TrainingRows> rows() {
    return engagement.rows();
  }

  @Override
  public String incompatibility(Parts parts) {
    if (parts.model() != null && parts.model().trainable()
        && (!(parts.queryTower() instanceof TaskHeadsTower) || !(parts.itemTower() instanceof TaskHeadsTower))) {
      return "The meta-multitask loss at " + path + " trains the relevance heads of task-heads towers; use"
          + " {type: task-heads, base: {...}} for model.query-tower and model.item-tower (and the task-heads"
          + " interaction).";
    }
    if (parts.split() != null && config.pairs().equals("in-batch") && parts.split().dataset().relevance() == null) {
      return noRule(parts.split());
    }
    if (engagement instanceof Compatibility c) {
      return c.incompatibility(new Parts(parts.model(), parts.queryTower(), parts.itemTower(), parts.interaction(),
          parts.sampler(), engagement, parts.trainer(), parts.split()));
    }
    return null;
  }

  private String noRule(Split split) {
    return "The meta-multitask loss at " + path + " trains the relevance head on in-batch pairs, whose targets come"
        + " from the data set's relevance rule, but data set '" + split.dataset().name() + "' has none (only the"
        + " co-engagement source attaches one). Use pairs: rows (the rows' " + config.relevanceLabel()
        + " label) or data: {type: co-engagement}.";
  }
}
