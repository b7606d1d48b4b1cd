package org.towerlab.modules.mvke;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * MVKE's virtual kernels {@code VK [K, d]}: one parameter shared by the user tower (the queries of
 * the bottom attention) and the tag tower (the gate {@code softmax(g_t . vk_k)}), so both towers'
 * losses train it. {@link MvkeModel} creates it under {@code model.kernels} before the towers; a
 * tower initialized alone (a test) creates it in its own scope.
 */
public final class VirtualKernels {
  private final int count;
  private final int dim;
  private final double std;
  private NDArray vk; // [K, d], on the parameters' manager

  public VirtualKernels(int count, int dim, double std) {
    this.count = count;
    this.dim = dim;
    this.std = std;
  }

  /** Creates {@code vk} in {@code params} (the model does, before its towers). */
  public void initialize(Params params) {
    vk = params.create("vk", new Shape(count, dim), Init.normal(std));
  }

  /** Creates {@code vk} in {@code params} unless the model already did (a tower initialized alone). */
  public void ensureInitialized(Params params) {
    if (vk == null) {
      initialize(params);
    }
  }

  public boolean initialized() {
    return vk != null;
  }

  /** The parameter itself (for gradient checks). */
  public NDArray parameter() {
    return vk;
  }

  /** {@code VK [K, d]} on the forward pass's manager, with the gradient flowing to the parameter. */
  public NDArray onBatch(Forward fwd) {
    return Tensors.scalar(fwd.manager(), 0f).add(vk); // [K, d]
  }

  public int count() {
    return count;
  }
}
