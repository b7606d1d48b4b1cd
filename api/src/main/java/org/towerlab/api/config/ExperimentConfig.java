package org.towerlab.api.config;

import java.util.List;

/**
 * One experiment: the root of a config file once its {@code grid:} block has been expanded.
 *
 * @param name experiment name (groups runs in the run store and in MLflow)
 * @param run run name (a grid child gets its varied values appended)
 * @param seed root seed; every random stream is derived from it by name
 * @param data data source and protocol
 * @param model the model (for example {@code two-tower} with its towers and interaction)
 * @param sampler negative sampler (ignored by untrained models)
 * @param loss training loss (ignored by untrained models)
 * @param trainer training strategy and optimizer settings
 * @param evaluators evaluators run on the validation and test splits
 * @param tracking remote tracker; the local run store is always written
 */
public record ExperimentConfig(
    String name,
    String run,
    Long seed,
    ComponentConfig.Data data,
    ComponentConfig.Model model,
    ComponentConfig.Sampler sampler,
    ComponentConfig.Loss loss,
    ComponentConfig.Trainer trainer,
    List<ComponentConfig.Evaluator> evaluators,
    ComponentConfig.Tracker tracking) {

  public ExperimentConfig {
    name = name == null || name.isBlank() ? "default" : name;
    run = run == null || run.isBlank() ? name : run;
    seed = seed == null ? 42L : seed;
    evaluators = evaluators == null ? List.of() : List.copyOf(evaluators);
  }
}
