package org.towerlab.modules.metarelated;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.Compatibility;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.MultiTask;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * The two tasks of the {@code task-heads} towers as a multi-task interaction ({@link MultiTask}):
 *
 * <pre>
 *   s_engagement(q, i) = &lt;q_e, i_e&gt; / tau_e        q_t, i_t: the heads [.., 2, d] (unit with normalize)
 *   s_relevance(q, i)  = &lt;q_r, i_r&gt; / tau_r
 *   s_blend(q, i)      = s_engagement + beta s_relevance     (a task only when blend &gt; 0)
 * </pre>
 *
 * The primary score ({@link #scoreAll(TowerOutput, TowerOutput, Forward)}: what training losses
 * read as {@code scores}/{@code negatives}, and what evaluators without {@code task:} rank by) is
 * {@code s_engagement}; {@code task: relevance} ranks by the relevance head and {@code task: blend}
 * by the fusion. Every task is a dot product with item vectors that do not depend on the query, so
 * the item side is precomputable; the primary costs one dot product of width d per pair.
 */
public final class TaskHeadsInteraction implements Interaction, MultiTask, Compatibility {
  /** The engagement task. */
  public static final String ENGAGEMENT = "engagement";
  /** The relevance task. */
  public static final String RELEVANCE = "relevance";
  /** The fused task (when {@code blend > 0}). */
  public static final String BLEND = "blend";

  private final TaskHeadsInteractionConfig config;
  private final List<String> tasks;

  public TaskHeadsInteraction(TaskHeadsInteractionConfig config) {
    this.config = config;
    List<String> t = new ArrayList<>(List.of(ENGAGEMENT, RELEVANCE));
    if (config.blend() > 0) {
      t.add(BLEND);
    }
    this.tasks = List.copyOf(t);
  }

  @Override
  public List<String> tasks() {
    return tasks;
  }

  /** Head {@code h} of an output, {@code [N, d]}. */
  static NDArray head(TowerOutput out, int h) {
    NDArray heads = out.heads();
    if (heads == null || heads.getShape().dimension() != 3 || heads.getShape().get(1) != 2) {
      throw new IllegalArgumentException("the task-heads interaction scores two heads [N, 2, d], got "
          + (heads == null ? "an output without heads" : "heads " + heads.getShape())
          + "; use task-heads towers on both sides");
    }
    return heads.get(":, " + h + ", :"); // [N, d]
  }

  /** The query side of a task, scaled by its temperature (and blend weight): {@code [B, w]}. */
  private NDArray query(TowerOutput q, String task, Forward fwd) {
    NDArray e = head(q, TaskHeadsTower.ENGAGEMENT_HEAD).mul(Tensors.scalar(fwd.manager(),
        (float) (1.0 / config.engagementTemperature()))); // [B, d]
    NDArray r = head(q, TaskHeadsTower.RELEVANCE_HEAD).mul(Tensors.scalar(fwd.manager(),
        (float) (1.0 / config.relevanceTemperature()))); // [B, d]
    return switch (task) {
      case ENGAGEMENT -> e;
      case RELEVANCE -> r;
      case BLEND -> NDArrays.concat(new NDList(e, r.mul(Tensors.scalar(fwd.manager(),
          config.blend().floatValue()))), 1); // [B, 2d]
      default -> throw new IllegalArgumentException("unknown task '" + task + "'; the tasks are " + tasks);
    };
  }

  /** The item side of a task: {@code [M, w]}. */
  private static NDArray item(TowerOutput i, String task) {
    return switch (task) {
      case ENGAGEMENT -> head(i, TaskHeadsTower.ENGAGEMENT_HEAD);
      case RELEVANCE -> head(i, TaskHeadsTower.RELEVANCE_HEAD);
      default -> i.heads().reshape(i.heads().getShape().get(0), -1); // [M, 2d]
    };
  }

  private void check(String task) {
    if (!tasks.contains(task)) {
      throw new IllegalArgumentException("unknown task '" + task + "'; the tasks are " + tasks
          + (task.equals(BLEND) ? " (blend is a task when model.interaction.blend > 0)" : ""));
    }
  }

  @Override
  public NDArray scoreAll(String task, TowerOutput queries, TowerOutput items, Forward fwd) {
    check(task);
    return query(queries, task, fwd).matMul(item(items, task).transpose()); // [B, M]
  }

  @Override
  public NDArray scorePaired(String task, TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    check(task);
    NDArray q = query(queries, task, fwd); // [B, w]
    long b = q.getShape().get(0);
    NDArray v = item(items, task).reshape(b, k, q.getShape().get(1)); // [B, k, w]
    return v.mul(q.expandDims(1)).sum(new int[] {2}); // [B, k]
  }

  /** The engagement score {@code [B, M]}. */
  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    return scoreAll(ENGAGEMENT, queries, items, fwd);
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    return scorePaired(ENGAGEMENT, queries, items, k, fwd);
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /** One dot product of the head width (the primary, engagement score). */
  @Override
  public long flopsPerPair(long dim) {
    return 2 * dim;
  }

  /** Both towers must be {@code task-heads} towers with the same head width. */
  @Override
  public String incompatibility(Parts parts) {
    String[] names = {"model.query-tower", "model.item-tower"};
    Object[] towers = {parts.queryTower(), parts.itemTower()};
    int[] widths = new int[2];
    for (int i = 0; i < 2; i++) {
      if (!(towers[i] instanceof TaskHeadsTower t)) {
        return "The task-heads interaction scores the engagement and relevance heads of task-heads towers, but "
            + names[i] + " is '" + (towers[i] == null ? "missing" : towers[i].getClass().getSimpleName())
            + "'. Use {type: task-heads, base: {type: ...}} there.";
      }
      widths[i] = t.config().headDim();
    }
    if (widths[0] != widths[1]) {
      return "The task-heads towers differ in head-dim (" + widths[0] + " vs " + widths[1] + "); set the same on both.";
    }
    return null;
  }
}
