package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The context of one forward pass: the batch's manager (every intermediate array goes there and is
 * closed with the batch), whether this is training, a seeded generator for dropout-like noise, and
 * a sink for auxiliary loss terms contributed by components (DAT's mimic loss, HIT's generation
 * loss, TARQ's commitment loss, ...).
 *
 * <p>Write ops with a batch array as the first operand ({@code x.matMul(weight)}, not
 * {@code weight.matMul(x)}): DJL attaches an op's result to the manager of its first input, and a
 * result attached to the model's manager is a leak.
 */
public final class Forward {
  private final NDManager manager;
  private final boolean training;
  private final SplittableRandom rng;
  private final int epoch;
  private final long step;
  private final Map<String, NDArray> aux = new LinkedHashMap<>();
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private final Map<String, Map<NDArray, NDArray>> derived = new HashMap<>();

  public Forward(NDManager manager, boolean training, SplittableRandom rng, int epoch, long step) {
    this.manager = manager;
    this.training = training;
    this.rng = rng;
    this.epoch = epoch;
    this.step = step;
  }

  /** An inference pass (no aux losses expected, no noise). */
  public static Forward inference(NDManager manager) {
    return new Forward(manager, false, new SplittableRandom(0), 0, 0);
  }

  public NDManager manager() {
    return manager;
  }

  public boolean training() {
    return training;
  }

  public SplittableRandom rng() {
    return rng;
  }

  public int epoch() {
    return epoch;
  }

  public long step() {
    return step;
  }

  /**
   * Adds an auxiliary loss term (a scalar), already multiplied by the component's own weight. The
   * trainer adds every term to the main loss and logs each by name. Terms with the same name add up.
   */
  public void addAuxLoss(String name, NDArray scalar) {
    if (!training) {
      return;
    }
    aux.merge(name, scalar, NDArray::add);
  }

  public Map<String, NDArray> auxLosses() {
    return Collections.unmodifiableMap(aux);
  }

  /**
   * Records a per-step diagnostic (codebook utilization, gate entropy, ...) without touching the
   * loss. The trainer averages each name over the epoch's steps and logs it as
   * {@code train/<name>}. Values with the same name in one step replace each other. Ignored in
   * inference passes.
   */
  public void logMetric(String name, double value) {
    if (!training) {
      return;
    }
    metrics.put(name, value);
  }

  /** A per-step diagnostic from a scalar array (copied to Java at once). */
  public void logMetric(String name, NDArray scalar) {
    if (!training) {
      return;
    }
    metrics.put(name, (double) scalar.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat());
  }

  /**
   * {@code fn(x)}, computed once per training pass for the same array object {@code x} and
   * {@code key}: a step that scores its pairs and then its in-batch columns normalizes each tower's
   * output once, and autograd sees one node with two consumers instead of two copies. Outside
   * training it just applies {@code fn} (an evaluation pass may live across many blocks and must
   * not hold them). {@code fn} must be a pure function of {@code x}.
   */
  public NDArray derived(String key, NDArray x, UnaryOperator<NDArray> fn) {
    if (!training) {
      return fn.apply(x);
    }
    return derived.computeIfAbsent(key, k -> new IdentityHashMap<>()).computeIfAbsent(x, fn);
  }

  /** The diagnostics recorded in this pass. */
  public Map<String, Double> metrics() {
    return Collections.unmodifiableMap(metrics);
  }
}
