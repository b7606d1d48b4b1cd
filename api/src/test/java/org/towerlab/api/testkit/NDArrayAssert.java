package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on NDArrays and float arrays, comparing values within a {@link Tolerance}:
 * {@code assertThatArray(scores).hasShape(4, 6).isCloseTo(expected, Tolerance.defaults())}. Values
 * are copied to Java when the assertion is made (the array may be closed afterwards).
 */
public final class NDArrayAssert extends AbstractAssert<NDArrayAssert, float[]> {
  private final Shape shape;
  private final DataType type;

  private NDArrayAssert(float[] values, Shape shape, DataType type) {
    super(values, NDArrayAssert.class);
    this.shape = shape;
    this.type = type;
  }

  /** Assertions on an array's shape, type and values. */
  public static NDArrayAssert assertThatArray(NDArray actual) {
    if (actual == null) {
      return new NDArrayAssert(null, null, null);
    }
    float[] values = actual.toType(DataType.FLOAT32, false).toFloatArray();
    return new NDArrayAssert(values, actual.getShape(), actual.getDataType());
  }

  /** Assertions on Java values (shape checks are not available). */
  public static NDArrayAssert assertThatArray(float[] actual) {
    return new NDArrayAssert(actual, actual == null ? null : new Shape(actual.length), DataType.FLOAT32);
  }

  public NDArrayAssert hasShape(long... dims) {
    isNotNull();
    if (!shape.equals(new Shape(dims))) {
      failWithMessage("%sexpected shape %s but was %s", prefix(), new Shape(dims), shape);
    }
    return this;
  }

  public NDArrayAssert hasDataType(DataType expected) {
    isNotNull();
    if (type != expected) {
      failWithMessage("%sexpected data type %s but was %s", prefix(), expected, type);
    }
    return this;
  }

  /** Every value finite (no NaN, no infinity). */
  public NDArrayAssert isFinite() {
    isNotNull();
    for (int i = 0; i < actual.length; i++) {
      if (!Float.isFinite(actual[i])) {
        failWithMessage("%sexpected finite values but value %d (of %d) is %s", prefix(), i, actual.length, actual[i]);
      }
    }
    return this;
  }

  /** Every value exactly 0. */
  public NDArrayAssert isAllZero() {
    isNotNull();
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] != 0f) {
        failWithMessage("%sexpected every value to be exactly 0 but value %d is %s", prefix(), i, actual[i]);
      }
    }
    return this;
  }

  /** At least one value different from 0. */
  public NDArrayAssert isNotAllZero() {
    isNotNull();
    for (float v : actual) {
      if (v != 0f) {
        return this;
      }
    }
    failWithMessage("%sexpected some value different from 0 but all %d are 0", prefix(), actual.length);
    return this;
  }

  public NDArrayAssert isCloseTo(NDArray expected, Tolerance tolerance) {
    return isCloseTo(expected.toType(DataType.FLOAT32, false).toFloatArray(), tolerance);
  }

  /** Same number of values, each within the tolerance of the expected one. */
  public NDArrayAssert isCloseTo(float[] expected, Tolerance tolerance) {
    isNotNull();
    if (expected.length != actual.length) {
      failWithMessage("%sexpected %d values but got %d", prefix(), expected.length, actual.length);
    }
    for (int i = 0; i < expected.length; i++) {
      if (!tolerance.accepts(actual[i], expected[i])) {
        failWithMessage("%svalue %d is %s, expected %s within %s (difference %s)", prefix(), i, actual[i],
            expected[i], tolerance, Math.abs(actual[i] - expected[i]));
      }
    }
    return this;
  }

  private String prefix() {
    String d = descriptionText();
    return d == null || d.isEmpty() ? "" : "[" + d + "] ";
  }
}
