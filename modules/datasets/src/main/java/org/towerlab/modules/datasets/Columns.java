package org.towerlab.modules.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.registry.io.Csv;

/** Growable primitive columns, delimited-line splitting and id remapping used by the loaders. */
final class Columns {
  private Columns() {}

  static final class Ints {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    int get(int i) {
      return a[i];
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  static final class Longs {
    private long[] a = new long[1024];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  static final class Floats {
    private float[] a = new float[1024];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /**
   * Dense 0-based ids for integer original ids, in ascending order of the original id, so the
   * mapping does not depend on row order.
   */
  static final class IntIds {
    final int[] sortedOriginal;

    IntIds(int[] originalPerRow) {
      int[] s = originalPerRow.clone();
      Arrays.sort(s);
      int u = 0;
      for (int i = 0; i < s.length; i++) {
        if (i == 0 || s[i] != s[i - 1]) {
          s[u++] = s[i];
        }
      }
      sortedOriginal = Arrays.copyOf(s, u);
    }

    int size() {
      return sortedOriginal.length;
    }

    /** The dense id of an original id, or -1. */
    int dense(int original) {
      int k = Arrays.binarySearch(sortedOriginal, original);
      return k < 0 ? -1 : k;
    }

    int[] remap(int[] originalPerRow) {
      int[] out = new int[originalPerRow.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = dense(originalPerRow[i]);
      }
      return out;
    }
  }

  /**
   * Dense ids for string keys: numeric keys sort numerically, otherwise lexicographically; index 0
   * is reserved when {@code reserveUnknown} (for categorical feature values, 0 = missing).
   */
  static Map<String, Integer> vocabulary(Iterable<String> keys, boolean reserveUnknown) {
    java.util.Set<String> set = new java.util.HashSet<>();
    for (String k : keys) {
      set.add(k);
    }
    List<String> distinct = new ArrayList<>(set);
    boolean numeric = distinct.stream().allMatch(Columns::isLong);
    distinct.sort(numeric ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder());
    Map<String, Integer> out = new HashMap<>();
    int offset = reserveUnknown ? 1 : 0;
    for (int i = 0; i < distinct.size(); i++) {
      out.put(distinct.get(i), i + offset);
    }
    return out;
  }

  private static boolean isLong(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Splits one line at {@code delimiter}, keeping empty fields. When {@code quotes} is set, the
   * line is read as CSV ({@link Csv#line}: a field in {@code "} may hold the delimiter, {@code ""}
   * inside it is one quote, as in MovieLens 20M's movies.csv); otherwise quotes are plain text.
   */
  static String[] split(String line, char delimiter, boolean quotes) {
    if (quotes) {
      return Csv.line(line, delimiter);
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int next = line.indexOf(delimiter, i);
      if (next < 0) {
        out.add(line.substring(i));
        break;
      }
      out.add(line.substring(i, next));
      i = next + 1;
    }
    return out.toArray(new String[0]);
  }

  /** Splits at a multi-character separator such as MovieLens 1M's {@code ::}, keeping empty fields. */
  static String[] split(String line, String separator) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int next = line.indexOf(separator, i);
      if (next < 0) {
        out.add(line.substring(i));
        break;
      }
      out.add(line.substring(i, next));
      i = next + separator.length();
    }
    return out.toArray(new String[0]);
  }
}
