package org.towerlab.trainers;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the training strategies. */
public final class TrainersModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.TRAINER, "plain", PlainTrainerConfig.class, (c, ctx) -> new PlainTrainer(c),
        "Mini-batch AdamW with early stopping on a validation metric, checkpoints and resume");
  }
}
