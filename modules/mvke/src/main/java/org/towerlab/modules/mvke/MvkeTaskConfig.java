package org.towerlab.modules.mvke;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One task of an MVKE model: its name and the virtual kernels its gate mixes.
 *
 * @param name the task's name (what evaluators' {@code task:} and the loss's {@code task} refer to)
 * @param kernels the indices of the kernels of the task's subset S_t, distinct, in
 *     {@code [0, kernels)}; subsets of different tasks may overlap (shared kernels)
 */
public record MvkeTaskConfig(String name, List<Integer> kernels) {

  public MvkeTaskConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("every task needs a name, got " + (name == null ? "none" : "'" + name + "'"));
    }
    if (kernels == null || kernels.isEmpty()) {
      throw new IllegalArgumentException("task '" + name + "' needs a non-empty list of kernels, got " + kernels);
    }
    kernels = List.copyOf(kernels);
    Set<Integer> seen = new HashSet<>();
    for (int k : kernels) {
      if (k < 0) {
        throw new IllegalArgumentException("task '" + name + "' has a negative kernel index, got " + kernels);
      }
      if (!seen.add(k)) {
        throw new IllegalArgumentException("task '" + name + "' lists kernel " + k + " twice, got " + kernels);
      }
    }
  }

  /** The YAML form ({@code towerlab components} shows defaults with it). */
  @Override
  public String toString() {
    return "{name: " + name + ", kernels: " + kernels + "}";
  }
}
