package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.Forward;

/** Inverted dropout with a mask drawn from the forward pass's seeded generator (deterministic). */
public final class Dropout {
  private Dropout() {}

  public static NDArray apply(NDArray x, double rate, Forward fwd) {
    float[] mask = new float[Math.toIntExact(x.size())];
    float keep = (float) (1.0 / (1.0 - rate));
    for (int i = 0; i < mask.length; i++) {
      mask[i] = fwd.rng().nextDouble() < rate ? 0f : keep;
    }
    return x.mul(Tensors.create(fwd.manager(), mask, x.getShape()));
  }
}
