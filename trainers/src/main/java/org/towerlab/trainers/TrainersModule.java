package org.towerlab.trainers;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the training strategies. */
public final class TrainersModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TRAINER, "plain", PlainTrainerConfig.class, (c, ctx) -> new PlainTrainer(c),
        "Mini-batch AdamW with early stopping on a validation metric, checkpoints and resume");
    register(Kind.TRAINER, "distill", DistillTrainerConfig.class, DistillTrainer::create,
        "A teacher (trained first, or loaded from an earlier run) scores the student's candidates (detached)");
    register(Kind.TRAINER, "cascade", CascadeTrainerConfig.class, CascadeTrainer::create,
        "Several models as the stages of a cascade, trained in a schedule of phases; evaluated as a system");
  }
}
