package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Creates tensors from Java data that own their memory.
 *
 * <p>With DJL 0.36 on PyTorch, {@code manager.create(...)} wraps a direct {@code ByteBuffer} with
 * {@code torch::from_blob}: the tensor does not own its memory, the Java wrapper does. Once the
 * wrapper is closed the buffer can be collected while the tensor lives on inside the autograd
 * graph. Two cases bite: (1) ops with a Java number argument ({@code x.div(0.1f)},
 * {@code x.maximum(0f)}) create such a scalar and close it at once, so a backward pass that needs
 * the scalar (div, mul, maximum, minimum) reads freed memory; (2) arrays created from Java data and
 * closed or collected before backward. The symptom is gradients of 1e23 or NaN after a few dozen
 * steps, different from run to run. Rules: every tensor made from Java data goes through this
 * class (copied into memory the tensor owns), and differentiable code never passes a Java number to
 * an op whose backward needs it: use {@link #scalar} or an equivalent op ({@code relu}).
 */
public final class Tensors {
  private Tensors() {}

  public static NDArray create(NDManager manager, float[] data, Shape shape) {
    try (NDArray view = manager.create(data, shape)) {
      return view.duplicate();
    }
  }

  public static NDArray create(NDManager manager, float[] data) {
    return create(manager, data, new Shape(data.length));
  }

  public static NDArray create(NDManager manager, long[] data, Shape shape) {
    try (NDArray view = manager.create(data, shape)) {
      return view.duplicate();
    }
  }

  /** A 0-d float32 tensor holding {@code value}, owning its memory, for differentiable ops. */
  public static NDArray scalar(NDManager manager, float value) {
    return create(manager, new float[] {value}, new Shape());
  }

  public static NDArray create(NDManager manager, long[] data) {
    return create(manager, data, new Shape(data.length));
  }

  /**
   * Overwrites every element of {@code target} with {@code values} (row-major), in place. Same
   * effect as DJL's {@code target.set(values)}, which goes through a libtorch guard that prints a
   * deprecation warning ({@code AutoNonVariableTypeMode is deprecated}) on stderr the first time a
   * process uses it; an indexed copy of the whole array does not.
   *
   * @throws IllegalArgumentException if {@code values} does not have {@code target}'s size
   */
  public static void overwrite(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new IllegalArgumentException("cannot write " + values.length + " values into an array of shape "
          + target.getShape());
    }
    if (target.getShape().dimension() == 0) {
      target.set(values);
      return;
    }
    try (NDManager tmp = target.getManager().newSubManager()) {
      target.set(new ai.djl.ndarray.index.NDIndex(":"), tmp.create(values, target.getShape()));
    }
  }
}
