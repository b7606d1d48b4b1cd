package org.towerlab.api.testkit;

import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.towerlab.api.model.Forward;

/** Forward passes for tests: a training pass with a seeded generator, or an inference pass. */
public final class Forwards {
  private Forwards() {}

  /** A training pass (aux losses and metrics recorded, dropout on) at epoch 0, step 0. */
  public static Forward training(NDManager manager, long seed) {
    return new Forward(manager, true, new SplittableRandom(seed), 0, 0);
  }

  /** An inference pass (no aux losses, no noise). */
  public static Forward inference(NDManager manager) {
    return Forward.inference(manager);
  }
}
