package org.towerlab.modules.mvke;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param tasks the terms, one per task trained; null = every task of the model, each on the label
 *     of the same name, weight 1 (the official code: {@code loss_ctr + loss_cvr})
 * @param reduction how each task's per-row BCE is reduced over the batch: {@code mean} (the
 *     official code's {@code reduce_mean}; IPW-weighted when the trainer weights rows) or
 *     {@code sum}
 */
public record MvkeLossConfig(List<MvkeLossTaskConfig> tasks, String reduction) implements ComponentConfig.Loss {

  public MvkeLossConfig {
    tasks = tasks == null ? null : List.copyOf(tasks);
    reduction = reduction == null ? "mean" : reduction;
    if (tasks != null) {
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("tasks is empty; leave it out to train every task of the model");
      }
      Set<String> seen = new HashSet<>();
      for (MvkeLossTaskConfig t : tasks) {
        if (!seen.add(t.task())) {
          throw new IllegalArgumentException("task '" + t.task() + "' appears twice in tasks");
        }
      }
    }
    if (!List.of("mean", "sum").contains(reduction)) {
      throw new IllegalArgumentException("reduction must be mean or sum, got '" + reduction + "'");
    }
  }
}
