package org.towerlab.modules.arf;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the ARF losses. */
public final class ArfModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.LOSS, "arf", ArfLossConfig.class, (c, ctx) -> new ArfLoss(c),
        "ARF: relaxed Recall@m@k (L_Relax) plus the NeuralSort full-order loss (L_Global) under a learned uncertainty weight; candidate lists");
    register(Kind.LOSS, "arf-relax", ArfRelaxLossConfig.class, (c, ctx) -> new ArfRelaxLoss(c),
        "ARF's L_Relax alone: NeuralSort surrogate of Recall@m@k on candidate lists");
    register(Kind.LOSS, "arf-global", ArfGlobalLossConfig.class, (c, ctx) -> new ArfGlobalLoss(c),
        "ARF's L_Global alone: NeuralSort permutation cross-entropy over the whole list (OPA surrogate); candidate lists");
  }
}
