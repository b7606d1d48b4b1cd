package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable parameters of a model, by dotted name ({@code model.query-tower.mlp.0.weight}).
 *
 * <p>Arrays live on the model's manager (owned by the trainer, closed when the run ends) and
 * require gradients. Initial values come from a seeded Java generator, not from the engine's global
 * random state, so the same seed gives the same weights on any engine. Components receive a
 * {@link #scope(String) scoped view} in {@code initialize} and create their parameters there.
 */
public final class Params {
  private final NDManager manager;
  private final Map<String, NDArray> arrays;
  private final java.util.Set<String> buffers;
  private final String prefix;
  private final SplittableRandom rng;

  /** A root parameter set on {@code manager}, initialized from {@code rng}. */
  public Params(NDManager manager, SplittableRandom rng) {
    this(manager, new LinkedHashMap<>(), new java.util.HashSet<>(), "", rng);
  }

  private Params(NDManager manager, Map<String, NDArray> arrays, java.util.Set<String> buffers, String prefix,
      SplittableRandom rng) {
    this.manager = manager;
    this.arrays = arrays;
    this.buffers = buffers;
    this.prefix = prefix;
    this.rng = rng;
  }

  /** A view whose names are prefixed with {@code name + "."}. */
  public Params scope(String name) {
    return new Params(manager, arrays, buffers, prefix + name + ".", rng);
  }

  /** Creates a parameter of {@code shape} with values drawn by {@code init}; names must be unique. */
  public NDArray create(String name, Shape shape, Init init) {
    String full = prefix + name;
    if (arrays.containsKey(full)) {
      throw new IllegalStateException("parameter '" + full + "' is created twice");
    }
    float[] values = init.values(shape, rng);
    NDArray a = Tensors.create(manager, values, shape);
    a.setName(full);
    a.setRequiresGradient(true);
    arrays.put(full, a);
    return a;
  }

  /**
   * Creates non-trainable state (BatchNorm running statistics, EMA codebooks): checkpointed and
   * restored with the weights, never touched by the optimizer, no gradient. Update it in place
   * ({@code buffer.set(...)}, {@code buffer.muli(...)}) outside autograd.
   */
  public NDArray buffer(String name, Shape shape, Init init) {
    String full = prefix + name;
    if (arrays.containsKey(full)) {
      throw new IllegalStateException("parameter '" + full + "' is created twice");
    }
    NDArray a = Tensors.create(manager, init.values(shape, rng), shape);
    a.setName(full);
    arrays.put(full, a);
    buffers.add(full);
    return a;
  }

  /** All parameters and buffers of the root set, in creation order (the order checkpoints use). */
  public Map<String, NDArray> all() {
    return Collections.unmodifiableMap(arrays);
  }

  /** The trainable parameters only (what the optimizer updates), in creation order. */
  public Map<String, NDArray> trainable() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> {
      if (!buffers.contains(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** Total number of scalar weights. */
  public long count() {
    long n = 0;
    for (NDArray a : arrays.values()) {
      n += a.size();
    }
    return n;
  }

  public NDManager manager() {
    return manager;
  }
}
