package org.towerlab.modules.tarq;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the TARQ components. */
public final class TarqModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.MODEL, "tarq", TarqModelConfig.class, (c, ctx) -> new TarqModel(c, ctx.path()),
        "TARQ pre-ranker: residual-quantized items, a personalized codebook by target attention, a jointly trained and"
            + " distilled target-attention teacher (needs a sequence field)");
    register(Kind.MODEL, "target-attention", TargetAttentionModelConfig.class,
        (c, ctx) -> new TargetAttentionModel(c, ctx.path()),
        "Target attention of the item over the user's behaviour sequence (TARQ's teacher; item side not precomputable)");
  }
}
