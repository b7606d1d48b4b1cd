package org.towerlab.api.testkit;

/**
 * How close two floats must be: {@code |actual - expected| <= absolute + relative * |expected|}.
 * Kernels differ across CPUs (AVX2 vs AVX-512, Intel vs AMD), so float results are compared
 * within a tolerance, never bit for bit.
 *
 * @param relative the relative part, against the expected value's magnitude
 * @param absolute the absolute floor, for expected values near 0
 */
public record Tolerance(double relative, double absolute) {

  public Tolerance {
    if (relative < 0 || absolute < 0) {
      throw new IllegalArgumentException("tolerances must be >= 0, got relative " + relative + ", absolute " + absolute);
    }
  }

  /** The default for float32 results of a few ops: relative 1e-5, absolute 1e-6. */
  public static Tolerance defaults() {
    return new Tolerance(1e-5, 1e-6);
  }

  public static Tolerance relative(double relative, double absolute) {
    return new Tolerance(relative, absolute);
  }

  public boolean accepts(double actual, double expected) {
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      return false;
    }
    if (actual == expected) {
      return true;
    }
    return Math.abs(actual - expected) <= absolute + relative * Math.abs(expected);
  }

  @Override
  public String toString() {
    return "relative " + relative + ", absolute " + absolute;
  }
}
