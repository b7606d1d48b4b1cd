package org.towerlab.api.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gradients of a scalar with respect to named arrays (parameters or inputs), computed with a
 * {@link GradientCollector}. The arrays' accumulated gradients are zeroed before and after, so
 * calls do not add up (the engine accumulates across collectors).
 */
public final class Gradients {
  private Gradients() {}

  /**
   * The value of a scalar and its gradient with respect to each named array.
   *
   * @param value the scalar, copied to Java
   * @param gradients each array's gradient, flattened, by name (zeros where it did not enter the graph)
   */
  public record Result(float value, Map<String, float[]> gradients) {

    /** The gradient of one array; throws naming the known arrays when absent. */
    public float[] of(String name) {
      float[] g = gradients.get(name);
      if (g == null) {
        throw new IllegalArgumentException("no gradient for '" + name + "'; computed for " + gradients.keySet());
      }
      return g;
    }
  }

  /**
   * Marks every array of {@code wrt} as requiring a gradient, zeroes their gradients, evaluates
   * {@code scalar} inside a gradient collector, runs the backward pass and returns the value and
   * the gradients as Java arrays. {@code scalar} must create its arrays on managers the caller
   * closes (a batch manager).
   */
  public static Result of(Map<String, NDArray> wrt, Supplier<NDArray> scalar) {
    for (NDArray a : wrt.values()) {
      if (!a.hasGradient()) {
        a.setRequiresGradient(true);
      }
    }
    zero(wrt);
    float value;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray s = scalar.get();
      if (s.size() != 1) {
        throw new IllegalArgumentException("the function is not a scalar: shape " + s.getShape());
      }
      value = s.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()[0];
      try {
        gc.backward(s);
      } catch (ai.djl.engine.EngineException e) {
        if (!String.valueOf(e.getMessage()).contains("does not require grad")) {
          throw e;
        }
        // nothing in wrt reaches the scalar: every gradient is 0
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    wrt.forEach((name, a) -> {
      try (NDArray g = a.getGradient()) {
        out.put(name, g.toFloatArray());
      }
    });
    zero(wrt);
    return new Result(value, out);
  }

  /** Sets the accumulated gradient of each array that has one to 0, in place. */
  public static void zero(Map<String, NDArray> arrays) {
    for (NDArray a : arrays.values()) {
      if (a.hasGradient()) {
        try (NDArray g = a.getGradient()) {
          g.subi(g);
        }
      }
    }
  }

  /** Whether every value is finite. */
  public static boolean finite(float[] values) {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Largest absolute value (0 for an empty array). */
  public static float maxAbs(float[] values) {
    float m = 0f;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
