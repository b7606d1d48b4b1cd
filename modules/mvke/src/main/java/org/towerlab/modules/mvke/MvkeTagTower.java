package org.towerlab.modules.mvke;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Tensors;

/**
 * MVKE's tag (item) side with the virtual-kernel gate (VKG; Xu et al., KDD 2022; {@code
 * motefly/MVKE} {@code vcg_layer} and {@code build_mmoe} with one expert per task): shared field
 * embeddings, one tower per task giving the tag vector {@code g_t}, and the task's gate over its
 * kernel subset S_t:
 *
 * <pre>
 * x     = field embeddings, flattened                     [N, F_i * d]
 * g_t   = Tower_t(x)                                      [N, d]
 * beta_t = softmax_{k in S_t}(g_t . vk_k)                 [N, |S_t|]   (no scaling, as the code)
 * </pre>
 *
 * The gate depends only on the tag and the kernels, never on the user: it is computed here, once
 * per item, and stored with the tag vector, which is how MVKE serves (tags store
 * {@code (g_t, beta_t)}, users their K experts). Output: {@code heads} = the tag vectors
 * {@code [N, T, d]} in task order; {@code embedding} = the primary task's tag vector {@code [N, d]};
 * extras {@code mvke.tag.<task>} (= {@code g_t} {@code [N, d]}) and {@code mvke.gate.<task>}
 * ({@code beta_t} spread over all K kernels {@code [N, K]}, exactly 0 outside S_t). The kernels
 * outside S_t are never read by task t's gate, and with weight exactly 0 task t never reaches
 * their experts: they get exactly zero gradient from task t's loss.
 */
public final class MvkeTagTower implements Tower {
  /** Prefix of the extras key of a task's tag vector {@code [N, d]}. */
  public static final String TAG = "mvke.tag.";
  /** Prefix of the extras key of a task's gate over all kernels {@code [N, K]} (0 outside the task's subset). */
  public static final String GATE = "mvke.gate.";

  private final MvkeModelConfig config;
  private final VirtualKernels kernels;
  private final String path;
  private FieldEncoder fields;
  private final List<Mlp> towers = new ArrayList<>();

  public MvkeTagTower(MvkeModelConfig config, VirtualKernels kernels, String path) {
    this.config = config;
    this.kernels = kernels;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    kernels.ensureInitialized(ctx.params().scope("kernels")); // no-op when the model created them
    towers.clear();
    int d = config.dim();
    Fields.check(ctx, config.itemFields(), path + ".item-fields");
    fields = new FieldEncoder(ctx, config.itemFields(), d, config.initStd(), path);
    List<Integer> widths = new ArrayList<>();
    widths.add(fields.width());
    widths.addAll(config.tagHidden());
    widths.add(d);
    for (MvkeTaskConfig t : config.tasks()) {
      towers.add(new Mlp(ctx.params(), "tag." + t.name(), widths, config.dropout()));
    }
  }

  @Override
  public long outputDim() {
    return config.dim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray x = fields.encode(features); // [N, F_i*d]
    NDArray vk = kernels.onBatch(fwd); // [K, d]
    Map<String, NDArray> extras = new LinkedHashMap<>();
    NDList tags = new NDList();
    NDArray primary = null;
    for (int t = 0; t < config.tasks().size(); t++) {
      MvkeTaskConfig task = config.tasks().get(t);
      NDArray g = towers.get(t).forward(x, fwd); // [N, d]
      NDArray beta = gate(g, vk, task, fwd); // [N, K]
      tags.add(g);
      extras.put(TAG + task.name(), g);
      extras.put(GATE + task.name(), beta);
      if (task.name().equals(config.primary())) {
        primary = g;
      }
      if (fwd.training()) {
        NDArray b = beta.stopGradient();
        fwd.logMetric("mvke-gate-entropy-" + task.name(), b.mul(b.add(1e-12f).log()).sum(new int[] {1}).neg().mean());
      }
    }
    return new TowerOutput(primary, NDArrays.stack(tags, 1), null, null, extras); // [N, d], [N, T, d]
  }

  /**
   * {@code beta_t = softmax_{k in S_t}(g_t . vk_k)}, spread to all K kernels with exact zeros
   * outside S_t: {@code [N, K]}. Only the rows of S_t of the kernels are read.
   */
  NDArray gate(NDArray g, NDArray vk, MvkeTaskConfig task, Forward fwd) {
    NDArray select = selection(task.kernels(), kernels.count(), fwd.manager()); // [|S|, K]
    NDArray vkS = select.matMul(vk); // [|S|, d]: the task's kernels
    NDArray betaS = g.matMul(vkS.transpose()).softmax(1); // [N, |S|]
    return betaS.matMul(select); // [N, K]
  }

  /** The 0/1 matrix {@code [|S|, K]} whose row i picks kernel {@code subset[i]}. */
  static NDArray selection(List<Integer> subset, int k, NDManager m) {
    float[] p = new float[subset.size() * k];
    for (int i = 0; i < subset.size(); i++) {
      p[i * k + subset.get(i)] = 1f;
    }
    return Tensors.create(m, p, new Shape(subset.size(), k));
  }
}
