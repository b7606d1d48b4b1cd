package org.towerlab.modules.mvke;

import org.towerlab.api.Kind;
import org.towerlab.registry.TowerlabModule;

/** Registers the MVKE components. */
public final class MvkeModule extends TowerlabModule {
  @Override
  protected void configureComponents() {
    register(Kind.MODEL, "mvke", MvkeModelConfig.class, (c, ctx) -> new MvkeModel(c, ctx.path()),
        "MVKE: virtual-kernel experts on the user side, a tag vector and a kernel gate per task on the item side");
    register(Kind.LOSS, "mvke-bce", MvkeLossConfig.class, (c, ctx) -> new MvkeLoss(c),
        "MVKE's multi-task loss: a BCE per task on logged rows, from the experts and each task's gate");
  }
}
