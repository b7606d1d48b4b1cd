package org.towerlab.evaluators;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Validation shared by the evaluator configs; messages carry the received value. */
final class ConfigChecks {
  private ConfigChecks() {}

  /** Cut-offs: at least one, each positive, no repeats. */
  static void cutoffs(String key, List<Integer> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(key + " must name at least one cut-off, got " + values);
    }
    Set<Integer> distinct = new TreeSet<>();
    for (Integer k : values) {
      if (k == null || k <= 0) {
        throw new IllegalArgumentException(key + " must be positive integers, got " + k + " in " + values);
      }
      if (!distinct.add(k)) {
        throw new IllegalArgumentException(key + " must be distinct, got " + k + " twice in " + values);
      }
    }
  }

  /** A name used as a key segment: not blank, no '/' or '@'; {@code fallback} when null. */
  static String name(String key, String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isBlank() || value.contains("/") || value.contains("@") || !value.strip().equals(value)) {
      throw new IllegalArgumentException(key + " must be a name without spaces at the ends, '/' or '@', got '"
          + value + "'");
    }
    return value;
  }

  /** A finite number, or null. */
  static Double finite(String key, Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException(key + " must be a finite number, got " + value);
    }
    return value;
  }

  /** The values sorted ascending. */
  static int[] sorted(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).sorted().toArray();
  }
}
