package org.towerlab.modules.rankflow;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;
import org.towerlab.trainers.CascadeTrainer;

/** Registers RankFlow's losses and its schedule over the cascade strategy. */
public final class RankflowModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.LOSS, "rankflow-self", RankflowSelfLossConfig.class, (c, ctx) -> new RankflowSelfLoss(),
        "RankFlow self-learning: BCE over upstream top-M lists, shown candidates with their labels, the rest 0");
    register(Kind.LOSS, "rankflow-tutor", RankflowTutorLossConfig.class, (c, ctx) -> new RankflowTutorLoss(c),
        "RankFlow tutor-learning: top-k rank loss on the next stage's order plus MSE on its values (needs a teacher)");
    register(Kind.TRAINER, "rankflow", RankflowTrainerConfig.class, (c, ctx) -> CascadeTrainer.create(c.expand(), ctx),
        "RankFlow's schedule: warm-up, then rounds of self- and tutor-learning, run by the cascade strategy");
  }
}
