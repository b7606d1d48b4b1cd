package org.towerlab.trainers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the grid values out of a run name as the config loader writes it,
 * {@code <base>[<path>=<label>,<path>=<label>]} (for example
 * {@code ml-100k-compare[variant=dat,seed=1]}), and makes the short names shown in MLflow.
 */
final class RunNames {
  private RunNames() {}

  /** The grid axes of a run name by path, with their labels ({@code variant -> dat, seed -> 1}); empty without a grid. */
  static Map<String, String> axes(String runName) {
    Map<String, String> out = new LinkedHashMap<>();
    if (runName == null || !runName.endsWith("]")) {
      return out;
    }
    int open = openingBracket(runName);
    if (open < 0) {
      return out;
    }
    for (String part : splitTopLevel(runName.substring(open + 1, runName.length() - 1))) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return out;
  }

  /**
   * A short name from the grid values, for the MLflow runs table: the variant's name, {@code s<N>}
   * for the seed, the label of a component type, {@code <last path segment>=<value>} for numbers
   * ({@code dat s1}, {@code most-popular}, {@code temperature=0.1 s2}); the full name without a grid.
   */
  static String shortName(String runName) {
    Map<String, String> axes = axes(runName);
    if (axes.isEmpty()) {
      return runName;
    }
    List<String> parts = new ArrayList<>();
    axes.forEach((path, label) -> {
      if (path.equals("seed")) {
        parts.add("s" + label);
      } else if (path.equals("variant") || !isNumber(label)) {
        parts.add(label);
      } else {
        parts.add(path.substring(path.lastIndexOf('.') + 1) + "=" + label);
      }
    });
    return String.join(" ", parts);
  }

  /**
   * The short name without the seed: the method a run belongs to in a grid over seeds
   * ({@code dat}); the base name when the seed is the only axis.
   */
  static String method(String runName) {
    Map<String, String> axes = axes(runName);
    if (axes.isEmpty()) {
      return runName;
    }
    String base = runName.substring(0, openingBracket(runName));
    axes.remove("seed");
    return axes.isEmpty() ? base : shortName(base + "["
        + String.join(",", axes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + "]");
  }

  private static int openingBracket(String runName) {
    int depth = 0;
    for (int i = runName.length() - 1; i >= 0; i--) {
      char c = runName.charAt(i);
      if (c == ']' || c == '}' || c == ')') {
        depth++;
      } else if (c == '[' || c == '{' || c == '(') {
        depth--;
        if (depth == 0) {
          return c == '[' ? i : -1;
        }
      }
    }
    return -1;
  }

  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if (c == ']' || c == '}' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
