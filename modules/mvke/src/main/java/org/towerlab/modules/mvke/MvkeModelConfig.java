package org.towerlab.modules.mvke;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link MvkeModel}. Defaults follow the official code ({@code motefly/MVKE},
 * {@code model_graph_type.py::user_MVKE_and_tag_HS}): 5 virtual kernels, the first task's gate over
 * kernels {0, 1, 2} and the second's over {1, 2, 3, 4} (kernels 1 and 2 shared), one width for the
 * field embeddings, the kernels, the experts and the tag vectors, kernels and embeddings drawn from
 * N(0, 0.01). The task names default to the simulator's {@code click} and {@code like} (the code's
 * pCTR and pCVR). The expert and tag towers' layers are not in the released code; here each is an
 * MLP with ReLU hidden layers.
 *
 * @param dim d: the width of every field embedding, of the virtual kernels, of each expert's output
 *     and of each tag vector (the gate {@code g_t . vk_k} and the score {@code <u^t, g_t>} need one
 *     width)
 * @param kernels K, the number of virtual kernels (and of experts)
 * @param kernelInitStd standard deviation of the kernels' normal initialization
 * @param queryFields the user-side fields the bottom attends over; null = every query field
 * @param itemFields the tag-side fields; null = every item field
 * @param expertHidden hidden widths of each expert tower over the flattened bottom output
 *     {@code C_k [F * d]}; its output width is d
 * @param sharedExpertTower one tower for all kernels (the code's {@code shared_model}) instead of
 *     one per kernel (the code's default)
 * @param tagHidden hidden widths of each task's tag tower over the flattened item field embeddings
 *     (the hard-shared tag side: shared embeddings, one tower per task); its output width is d
 * @param tasks the tasks with their kernel subsets; every kernel must belong to some task
 * @param primary the task whose score is the model's primary score (what a plain evaluator ranks by
 *     and what a single-score loss trains); null = the first task
 * @param initStd standard deviation of the field embeddings' and the bottom projections' normal
 *     initialization
 * @param dropout dropout after each hidden layer of the expert and tag towers while training
 */
public record MvkeModelConfig(Integer dim, Integer kernels, Double kernelInitStd, List<String> queryFields,
    List<String> itemFields, List<Integer> expertHidden, Boolean sharedExpertTower, List<Integer> tagHidden,
    List<MvkeTaskConfig> tasks, String primary, Double initStd, Double dropout) implements ComponentConfig.Model {

  public MvkeModelConfig {
    dim = dim == null ? 32 : dim;
    kernels = kernels == null ? 5 : kernels;
    kernelInitStd = kernelInitStd == null ? 0.01 : kernelInitStd;
    queryFields = queryFields == null ? null : List.copyOf(queryFields);
    itemFields = itemFields == null ? null : List.copyOf(itemFields);
    expertHidden = expertHidden == null ? List.of(64) : List.copyOf(expertHidden);
    sharedExpertTower = sharedExpertTower == null ? Boolean.FALSE : sharedExpertTower;
    tagHidden = tagHidden == null ? List.of(64) : List.copyOf(tagHidden);
    tasks = tasks == null
        ? List.of(new MvkeTaskConfig("click", List.of(0, 1, 2)), new MvkeTaskConfig("like", List.of(1, 2, 3, 4)))
        : List.copyOf(tasks);
    initStd = initStd == null ? 0.01 : initStd;
    dropout = dropout == null ? 0.0 : dropout;
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive, got " + dim);
    }
    if (kernels <= 0) {
      throw new IllegalArgumentException("kernels must be positive, got " + kernels);
    }
    if (kernelInitStd <= 0 || initStd <= 0) {
      throw new IllegalArgumentException("kernel-init-std and init-std must be positive, got " + kernelInitStd
          + " and " + initStd);
    }
    if (queryFields != null && queryFields.isEmpty() || itemFields != null && itemFields.isEmpty()) {
      throw new IllegalArgumentException("query-fields and item-fields must not be empty; leave them out to use every"
          + " field of the side");
    }
    for (int h : expertHidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("expert-hidden widths must be positive, got " + expertHidden);
      }
    }
    for (int h : tagHidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("tag-hidden widths must be positive, got " + tagHidden);
      }
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks must name at least one task");
    }
    Set<String> names = new HashSet<>();
    boolean[] used = new boolean[kernels];
    for (MvkeTaskConfig t : tasks) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("task names must be distinct, got '" + t.name() + "' twice");
      }
      for (int k : t.kernels()) {
        if (k >= kernels) {
          throw new IllegalArgumentException("task '" + t.name() + "' uses kernel " + k + " but there are only "
              + kernels + " kernels (indices 0.." + (kernels - 1) + "); the default tasks split 5 kernels as the"
              + " official code, so with other kernels give tasks explicitly");
        }
        used[k] = true;
      }
    }
    for (int k = 0; k < kernels; k++) {
      if (!used[k]) {
        throw new IllegalArgumentException("kernel " + k + " belongs to no task, so nothing would train its expert;"
            + " add it to a task's kernels or lower kernels to the ones used");
      }
    }
    primary = primary == null ? tasks.get(0).name() : primary;
    if (!names.contains(primary)) {
      throw new IllegalArgumentException("primary must be one of the tasks " + names + ", got '" + primary + "'");
    }
  }

  /** The task named {@code name}. */
  public MvkeTaskConfig task(String name) {
    return tasks.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no task '" + name + "'"));
  }

  /** The task names, in config order. */
  public List<String> taskNames() {
    return tasks.stream().map(MvkeTaskConfig::name).toList();
  }
}
