package org.towerlab.modules.mvke;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.Compatibility;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * MVKE's multi-objective loss (Xu et al., KDD 2022; {@code motefly/MVKE}
 * {@code user_MVKE_and_tag_HS}): a binary cross-entropy per task on the logged rows, summed with
 * the tasks' weights,
 *
 * <pre>
 * s_t(row) = &lt;sum_k beta_t,k u_k, g_t&gt;                       the training path (MvkeInteraction.mix)
 * L        = sum_t w_t * reduce_rows BCE(sigmoid(s_t), y_t)      reduce = mean (default) or sum
 * </pre>
 *
 * Each task's score is computed here from the step's tower outputs ({@link LossInput#queryOutput()}:
 * the user's experts as heads; {@link LossInput#itemOutput()}: the row's tag vectors and gates as
 * extras {@code mvke.tag.<task>}, {@code mvke.gate.<task>}), not from {@link LossInput#scores()}
 * (the primary task only). Targets come from the row labels ({@code y_t = label} or
 * {@code label >= min-label}). With row weights (IPW) the mean is weighted. Each task's reduced
 * loss is logged as the per-step diagnostic {@code mvke-bce-<task>}.
 *
 * <p>It trains on {@link TrainingRows#LOGGED} rows only: a pointwise objective needs the shown but
 * not engaged rows, and sampled candidates carry no per-task outputs. Refused (before anything runs)
 * with another model than {@code mvke}, a task the model does not have, data without logged rows or
 * a label the log lacks.
 */
public final class MvkeLoss implements Loss, Compatibility {
  private final MvkeLossConfig config;

  public MvkeLoss(MvkeLossConfig config) {
    this.config = config;
  }

  public MvkeLossConfig config() {
    return config;
  }

  @Override
  public NDArray compute(LossInput in, Forward fwd) {
    TowerOutput q = in.queryOutput();
    TowerOutput items = in.itemOutput();
    if (q == null || items == null || q.heads() == null) {
      throw new IllegalStateException("mvke-bce needs the step's tower outputs (an mvke model's experts and tags);"
          + " it trains on logged rows");
    }
    NDManager m = fwd.manager();
    NDArray u = q.heads(); // [B, K, d]
    long b = u.getShape().get(0);
    NDArray total = null;
    for (MvkeLossTaskConfig t : terms(items)) {
      NDArray g = extra(items, MvkeTagTower.TAG + t.task()); // [B, d]
      NDArray beta = extra(items, MvkeTagTower.GATE + t.task()); // [B, K]
      NDArray s = MvkeInteraction.mix(u, beta.expandDims(1), g.expandDims(1)).reshape(b); // [B]
      NDArray y = in.label(t.label()); // [B]
      if (t.minLabel() != null) {
        y = y.gte(t.minLabel().floatValue()).toType(DataType.FLOAT32, false);
      }
      NDArray perRow = bceWithLogits(s, y); // [B]
      NDArray reduced = "sum".equals(config.reduction())
          ? (in.weights() == null ? perRow.sum() : perRow.mul(in.weights()).sum())
          : in.weightedMean(perRow); // []
      fwd.logMetric("mvke-bce-" + t.task(), reduced);
      NDArray term = reduced.mul(Tensors.scalar(m, t.weight().floatValue()));
      total = total == null ? term : total.add(term);
    }
    return total;
  }

  /** {@code log(1 + exp(-|x|)) + max(x, 0) - x y}: the stable BCE with logits ({@code max} as relu). */
  static NDArray bceWithLogits(NDArray x, NDArray y) {
    return x.abs().neg().exp().add(1f).log().add(ai.djl.nn.Activation.relu(x)).sub(x.mul(y));
  }

  /** The configured terms, or one per task found in the item output (sorted by name), label = task name. */
  private List<MvkeLossTaskConfig> terms(TowerOutput items) {
    if (config.tasks() != null) {
      return config.tasks();
    }
    List<String> names = new ArrayList<>();
    for (String key : items.extras().keySet()) {
      if (key.startsWith(MvkeTagTower.TAG)) {
        names.add(key.substring(MvkeTagTower.TAG.length()));
      }
    }
    names.sort(null); // extras are unordered; a fixed order keeps the sum bit-reproducible
    return names.stream().map(n -> new MvkeLossTaskConfig(n, null, null, null)).toList();
  }

  private static NDArray extra(TowerOutput items, String key) {
    NDArray a = items.extras().get(key);
    if (a == null) {
      throw new IllegalStateException("mvke-bce needs the item output's " + key + "; it has "
          + items.extras().keySet());
    }
    return a;
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
  public String incompatibility(Parts parts) {
    if (!(parts.interaction() instanceof MvkeInteraction mvke)) {
      return "The mvke-bce loss scores every task from MVKE's experts and per-task gates, so it needs model:"
          + " {type: mvke}; use a single-score loss (bce, sampled-softmax) with other models.";
    }
    List<MvkeLossTaskConfig> terms = config.tasks() != null ? config.tasks()
        : mvke.tasks().stream().map(n -> new MvkeLossTaskConfig(n, null, null, null)).toList();
    for (MvkeLossTaskConfig t : terms) {
      if (!mvke.tasks().contains(t.task())) {
        return "The mvke-bce loss trains task '" + t.task() + "', which the mvke model does not have; its tasks are "
            + mvke.tasks() + ".";
      }
    }
    Split split = parts.split();
    if (split == null) {
      return null;
    }
    if (!split.hasLogged()) {
      return "The mvke-bce loss trains on logged rows (shown items with each task's label), which data set '"
          + split.dataset().name() + "' with protocol '" + split.protocol() + "' does not have. Use data with"
          + " impressions (the simulator, a csv with exposure-column) or the ctr protocol.";
    }
    InteractionLog train = split.logged("train");
    for (MvkeLossTaskConfig t : terms) {
      if (!train.hasLabel(t.label())) {
        return "The mvke-bce loss trains task '" + t.task() + "' on label '" + t.label() + "', which data set '"
            + split.dataset().name() + "' does not have; its labels are " + train.labelNames() + ". Set the task's"
            + " label in loss.tasks.";
      }
    }
    return null;
  }
}
