package org.towerlab.api.nn;

import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/** How a parameter's initial values are drawn. Fan-in and fan-out are the last two dimensions. */
public interface Init {
  float[] values(Shape shape, SplittableRandom rng);

  /** All zeros. */
  static Init zeros() {
    return (shape, rng) -> new float[Math.toIntExact(shape.size())];
  }

  /** A constant. */
  static Init constant(float value) {
    return (shape, rng) -> {
      float[] v = new float[Math.toIntExact(shape.size())];
      java.util.Arrays.fill(v, value);
      return v;
    };
  }

  /** Normal with mean 0 and the given standard deviation. */
  static Init normal(double std) {
    return (shape, rng) -> {
      float[] v = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (gaussian(rng) * std);
      }
      return v;
    };
  }

  /** Glorot/Xavier uniform over {@code [-a, a]} with {@code a = sqrt(6 / (fanIn + fanOut))}. */
  static Init xavier() {
    return (shape, rng) -> {
      long fanIn = shape.dimension() >= 2 ? shape.get(shape.dimension() - 2) : shape.get(0);
      long fanOut = shape.get(shape.dimension() - 1);
      double a = Math.sqrt(6.0 / (fanIn + fanOut));
      float[] v = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rng.nextDouble() * 2 - 1) * a);
      }
      return v;
    };
  }

  /** Box-Muller standard normal from a seeded generator. */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
