package org.towerlab.api.train;

/**
 * How a model is trained: the plain loop, distillation from a teacher, cascade training
 * (RankFlow). A strategy runs epochs, calls the evaluators on validation data for early stopping,
 * and reports through the run's tracker.
 */
public interface TrainingStrategy {

  /** Trains {@code ctx.model()} and leaves it at the weights to evaluate (the best epoch). */
  TrainResult train(TrainContext ctx);

  /**
   * The names of the scorers {@link TrainResult#stages()} will hold (a cascade's stages, a
   * distillation's {@code teacher}), known before training so that evaluators pinned to a stage can
   * be checked before anything is written.
   */
  default java.util.Set<String> stageNames() {
    return java.util.Set.of();
  }
}
