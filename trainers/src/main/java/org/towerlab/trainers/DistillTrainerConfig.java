package org.towerlab.trainers;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of the {@code distill} strategy.
 *
 * @param teacher the teacher: built from config and trained first in this run, or loaded from an
 *     earlier run's directory
 * @param train the student's training settings ({@code {type: plain, ...}}); the student is the
 *     top-level model with the top-level sampler and loss
 */
public record DistillTrainerConfig(TeacherConfig teacher, ComponentConfig.Trainer train)
    implements ComponentConfig.Trainer {

  public DistillTrainerConfig {
    if (teacher == null) {
      throw new IllegalArgumentException("distill needs a teacher: {model: ...} or {from: RUN_DIR}");
    }
    if (train != null && !(train instanceof PlainTrainerConfig)) {
      throw new IllegalArgumentException("distill: train must be {type: plain, ...}");
    }
  }

  PlainTrainerConfig plain() {
    return train == null ? PlainTrainerConfig.defaults() : (PlainTrainerConfig) train;
  }

  /**
   * @param model the teacher's model, trained first (exclusive with {@code from})
   * @param sampler the teacher's sampler; default: the top-level sampler
   * @param loss the teacher's loss; default: the top-level loss (it must not need a teacher)
   * @param train the teacher's settings ({@code {type: plain, ...}})
   * @param from an earlier run directory whose model (effective-config.yaml) and best weights
   *     (checkpoints/best.ckpt) are the teacher; it must have been trained on the same data, protocol
   *     and seed, or its training rows could hold this run's test rows
   */
  public record TeacherConfig(ComponentConfig.Model model, ComponentConfig.Sampler sampler, ComponentConfig.Loss loss,
      ComponentConfig.Trainer train, String from) {
    public TeacherConfig {
      if ((model == null) == (from == null)) {
        throw new IllegalArgumentException("the teacher needs exactly one of model: (trained in this run) and from:"
            + " (an earlier run directory)");
      }
      if (train != null && !(train instanceof PlainTrainerConfig)) {
        throw new IllegalArgumentException("teacher.train must be {type: plain, ...}");
      }
    }

    PlainTrainerConfig plain() {
      return train == null ? PlainTrainerConfig.defaults() : (PlainTrainerConfig) train;
    }
  }
}
