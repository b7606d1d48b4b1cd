package org.towerlab.modules.mvke;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.MultiTask;
import org.towerlab.api.model.TowerOutput;

/**
 * MVKE's per-task scores (Xu et al., KDD 2022) from the user's K experts {@code u_k} (query
 * {@code heads [B, K, d]}, {@link MvkeUserTower}) and the tag's vector {@code g_t} and gate
 * {@code beta_t} (item {@code heads [M, T, d]} and extra {@code mvke.gate.<task> [M, K]},
 * {@link MvkeTagTower}). Two algebraically equal forms:
 *
 * <pre>
 * training path (the paper):  u^t = sum_{k in S_t} beta_k u_k ;  s_t = &lt;u^t, g_t&gt;       scorePaired, the loss
 * serving decomposition:      s_t = sum_{k in S_t} beta_k &lt;u_k, g_t&gt;                 scoreAll
 * </pre>
 *
 * The serving form scores a user against cached tags with |S_t| dot products per pair, the gate
 * having been computed once per tag ({@link #itemSidePrecomputable()}). {@code p_t = sigmoid(s_t)};
 * the scores are logits.
 *
 * <p>{@link MultiTask}: {@link #tasks()} are the model's task names in config order;
 * {@code scoreAll(task, ...)} ranks by one task (an evaluator's {@code task:}). The plain
 * {@link #scoreAll(TowerOutput, TowerOutput, Forward)} and {@link #scorePaired} are the
 * <b>primary task's</b> score (config {@code primary}, default the first task): what a plain
 * evaluator ranks by and what a single-score loss (a softmax over sampled candidates) trains.
 */
public final class MvkeInteraction implements Interaction, MultiTask {
  private final MvkeModelConfig config;

  public MvkeInteraction(MvkeModelConfig config) {
    this.config = config;
  }

  @Override
  public List<String> tasks() {
    return config.taskNames();
  }

  /** The primary task's name. */
  public String primary() {
    return config.primary();
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return scoreAll(config.primary(), queries, items, fwd);
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return scorePaired(config.primary(), queries, items, k, fwd);
  }

  /** The serving decomposition {@code sum_{k in S_t} beta_k <u_k, g_t>}: {@code [B, M]}. */
  @Override
  public NDArray scoreAll(String task, TowerOutput queries, TowerOutput items, Forward fwd) {
    MvkeTaskConfig t = task(task);
    NDArray u = experts(queries); // [B, K, d]
    NDArray g = tag(items, t); // [M, d]
    NDArray beta = gate(items, t.name()); // [M, K]
    NDArray select = MvkeTagTower.selection(t.kernels(), config.kernels(), fwd.manager()); // [|S|, K]
    NDArray uS = select.matMul(u); // [B, |S|, d]: the task's experts only
    NDArray betaS = beta.matMul(select.transpose()); // [M, |S|]
    NDArray dots = uS.matMul(g.transpose()); // [B, |S|, M]: <u_k, g_t>
    return dots.mul(betaS.transpose().expandDims(0)).sum(new int[] {1}); // [B, M]
  }

  /** The training path {@code <sum_k beta_k u_k, g_t>} for each query's own K items: {@code [B, K]}. */
  @Override
  public NDArray scorePaired(String task, TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    MvkeTaskConfig t = task(task);
    NDArray u = experts(queries); // [B, K, d]
    long b = u.getShape().get(0);
    NDArray g = tag(items, t).reshape(b, k, config.dim()); // [B, k, d]
    NDArray beta = gate(items, t.name()).reshape(b, k, config.kernels()); // [B, k, K]
    return mix(u, beta, g); // [B, k]
  }

  /**
   * The paper's training path from the experts {@code u [B, K, d]}, the gates spread over all
   * kernels {@code beta [B, k, K]} and the tag vectors {@code g [B, k, d]}: the user vector of each
   * pair {@code u^t = beta u} {@code [B, k, d]}, dotted with {@code g}: {@code [B, k]}.
   */
  static NDArray mix(NDArray u, NDArray beta, NDArray g) {
    NDArray ut = beta.batchMatMul(u); // [B, k, d]: sum_k beta_k u_k
    return ut.mul(g).sum(new int[] {2}); // [B, k]
  }

  private MvkeTaskConfig task(String name) {
    if (!config.taskNames().contains(name)) {
      throw new UserException("Unknown MVKE task '" + name + "'; this model's tasks are " + config.taskNames() + ".");
    }
    return config.task(name);
  }

  private NDArray experts(TowerOutput queries) {
    NDArray u = queries.heads();
    if (u == null || u.getShape().dimension() != 3 || u.getShape().get(1) != config.kernels()
        || u.getShape().get(2) != config.dim()) {
      throw new IllegalArgumentException("the mvke interaction needs the user tower's " + config.kernels()
          + " experts of width " + config.dim() + " as heads, got " + (u == null ? "no heads" : u.getShape()));
    }
    return u;
  }

  private NDArray tag(TowerOutput items, MvkeTaskConfig t) {
    NDArray g = items.heads(); // [M, T, d]
    if (g == null || g.getShape().dimension() != 3 || g.getShape().get(1) != config.tasks().size()) {
      throw new IllegalArgumentException("the mvke interaction needs the tag tower's " + config.tasks().size()
          + " task vectors as heads, got " + (g == null ? "no heads" : g.getShape()));
    }
    return g.get(":, " + config.tasks().indexOf(t)); // [M, d]
  }

  private static NDArray gate(TowerOutput items, String task) {
    NDArray beta = items.extras().get(MvkeTagTower.GATE + task);
    if (beta == null) {
      throw new IllegalArgumentException("the item output has no gate of task '" + task + "' ("
          + MvkeTagTower.GATE + task + "); extras: " + items.extras().keySet());
    }
    return beta;
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /**
   * The primary task's serving cost per pair with cached tags: |S| dot products of width d and the
   * gate-weighted sum, {@code 2 |S| d + 2 |S|} (the gate itself is precomputed per tag).
   */
  @Override
  public long flopsPerPair(long dim) {
    long s = config.task(config.primary()).kernels().size();
    return 2 * s * config.dim() + 2 * s;
  }
}
