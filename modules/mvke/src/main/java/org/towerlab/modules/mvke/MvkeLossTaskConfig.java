package org.towerlab.modules.mvke;

/**
 * One term of the {@code mvke-bce} loss.
 *
 * @param task the model's task whose score this term trains
 * @param label the log's label the task learns ({@code click}, {@code like}, {@code rating},
 *     {@code positive}); default the task's name
 * @param minLabel the target is {@code label >= min-label} (1) or not (0); null = the label's value
 *     itself, which must then be 0 or 1 (a soft value in [0, 1] also works)
 * @param weight the term's weight; default 1 (the official code sums the tasks' losses)
 */
public record MvkeLossTaskConfig(String task, String label, Double minLabel, Double weight) {

  public MvkeLossTaskConfig {
    if (task == null || task.isBlank()) {
      throw new IllegalArgumentException("every loss task needs task: <name of a model task>, got "
          + (task == null ? "none" : "'" + task + "'"));
    }
    label = label == null ? task : label;
    weight = weight == null ? 1.0 : weight;
    if (weight < 0 || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("the weight of task '" + task + "' must be finite and >= 0, got " + weight);
    }
    if (minLabel != null && !Double.isFinite(minLabel)) {
      throw new IllegalArgumentException("min-label of task '" + task + "' must be finite, got " + minLabel);
    }
  }
}
