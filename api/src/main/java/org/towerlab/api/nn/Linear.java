package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code y = x W + b}: {@code x [.., in]} to {@code y [.., out]}; W is Xavier-initialized, b zero. */
public final class Linear {
  private final NDArray weight; // [in, out]
  private final NDArray bias; // [out] or null

  public Linear(Params params, String name, int in, int out, boolean bias) {
    Params p = params.scope(name);
    this.weight = p.create("weight", new Shape(in, out), Init.xavier());
    this.bias = bias ? p.create("bias", new Shape(out), Init.zeros()) : null;
  }

  /** {@code x [.., in]} (a batch array) to {@code [.., out]} on x's manager. */
  public NDArray forward(NDArray x) {
    NDArray y = x.matMul(weight); // [.., out]
    return bias == null ? y : y.add(bias);
  }

  public NDArray weight() {
    return weight;
  }
}
