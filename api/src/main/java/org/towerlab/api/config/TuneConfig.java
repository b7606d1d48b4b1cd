package org.towerlab.api.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The top-level {@code tune:} section: a hyperparameter search on the validation part, with the
 * same trial budget for every method, before the config's runs. A method is a grid child without
 * its {@code seed} axis (a {@code grid.variant} entry, or one value of another grid axis). For each
 * method the search trains {@code trials} configurations on the {@code seeds} (validation metrics
 * only: the trials never score the test part), picks the one with the best mean
 * {@code valid/<metric>}, and then the config's runs use the chosen values; their test metrics are
 * the result. Like {@code summary:}, the section is taken off the file before the runs are bound.
 *
 * <pre>{@code
 * tune:
 *   search: random            # or grid (every combination of the lists, in order)
 *   trials: 12                # per method (random); grid: the number of combinations
 *   metric: recall@20         # the validation metric that picks the configuration
 *   space:
 *     trainer.learning-rate: {log-uniform: [0.0005, 0.01]}
 *     trainer.weight-decay: [0, 0.1, 0.3, 1]
 *     model.query-tower.init-std: {uniform: [0.01, 0.1]}
 *   methods:                  # per-method additions or replacements (~ removes a dimension)
 *     bpr: {sampler.num-negatives: [1, 4]}
 * }</pre>
 *
 * @param search {@code random} (default) or {@code grid}
 * @param trials configurations per method; random: required, at least 1; grid: the number of
 *     combinations (given or not; a different number is refused)
 * @param metric validation metric that picks the configuration (the key after {@code valid/}),
 *     default {@code recall@20}
 * @param direction {@code max} (default) or {@code min} (for losses such as {@code logloss})
 * @param seeds root seeds each trial is trained with (the trial's score is the mean over them);
 *     null (default): the seed of the method's first run
 * @param seed root seed of the random search's draws (default 1); trial k draws each dimension
 *     from its own stream {@code tune.trial-k.<path>}, so methods with the same space try the same
 *     values (common random numbers)
 * @param space dotted config path -> values: a list (choice), or {@code {uniform: [lo, hi]}},
 *     {@code {log-uniform: [lo, hi]}}, {@code {int-uniform: [lo, hi]}} (inclusive)
 * @param methods per-method changes of the space, keyed by the grid variant's {@code name} (or the
 *     method's run name): entries add or replace dimensions, a {@code ~} value removes one
 */
public record TuneConfig(String search, Integer trials, String metric, String direction, List<Long> seeds, Long seed,
    Map<String, Object> space, Map<String, Map<String, Object>> methods) {

  public TuneConfig {
    search = search == null ? "random" : search;
    metric = metric == null ? "recall@20" : metric;
    direction = direction == null ? "max" : direction;
    seed = seed == null ? 1L : seed;
    seeds = seeds == null ? null : List.copyOf(seeds);
    space = space == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(space));
    methods = methods == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    if (!search.equals("random") && !search.equals("grid")) {
      throw new IllegalArgumentException("search must be random or grid, got '" + search + "'");
    }
    if (!direction.equals("max") && !direction.equals("min")) {
      throw new IllegalArgumentException("direction must be max or min, got '" + direction + "'");
    }
    if (metric.isBlank() || metric.startsWith("valid/") || metric.startsWith("test/")) {
      throw new IllegalArgumentException("metric names a validation metric without its part, for example recall@20,"
          + " got '" + metric + "'");
    }
    if (search.equals("random") && trials == null) {
      throw new IllegalArgumentException("random search needs trials (configurations per method), for example"
          + " trials: 12");
    }
    if (trials != null && trials < 1) {
      throw new IllegalArgumentException("trials must be at least 1, got " + trials);
    }
    if (seeds != null && seeds.isEmpty()) {
      throw new IllegalArgumentException("seeds is empty; leave it out to tune on each method's first seed");
    }
    if (space.isEmpty()) {
      throw new IllegalArgumentException("space is empty; give at least one dotted config path with its values,"
          + " for example trainer.learning-rate: [0.001, 0.003]");
    }
    for (Map.Entry<String, Object> e : space.entrySet()) {
      Dimension.parse(e.getKey(), e.getValue(), search);
    }
    for (Map.Entry<String, Map<String, Object>> m : methods.entrySet()) {
      if (m.getValue() == null) {
        throw new IllegalArgumentException("methods." + m.getKey() + " must be a mapping of dotted paths to values");
      }
      for (Map.Entry<String, Object> e : m.getValue().entrySet()) {
        if (e.getValue() != null) {
          Dimension.parse(e.getKey(), e.getValue(), search);
        }
      }
    }
  }

  /**
   * The dimensions searched for a method: {@code space}, then the method's entries of
   * {@code methods} (added, replaced, or removed with {@code ~}).
   *
   * @param methodKeys the names the method may be listed under in {@code methods} (its variant name,
   *     its run name); the first listed one wins
   */
  public List<Dimension> dimensions(List<String> methodKeys) {
    Map<String, Object> merged = new LinkedHashMap<>(space);
    for (String key : methodKeys) {
      Map<String, Object> own = methods.get(key);
      if (own != null) {
        for (Map.Entry<String, Object> e : own.entrySet()) {
          if (e.getValue() == null) {
            merged.remove(e.getKey());
          } else {
            merged.put(e.getKey(), e.getValue());
          }
        }
        break;
      }
    }
    List<Dimension> out = new ArrayList<>();
    merged.forEach((k, v) -> out.add(Dimension.parse(k, v, search)));
    return out;
  }

  /** True when a larger metric value is better. */
  public boolean maximize() {
    return direction.equals("max");
  }

  /**
   * One searched config value.
   *
   * @param path dotted config path ({@code trainer.learning-rate}, {@code evaluators.0.ks})
   * @param kind {@code choice}, {@code uniform}, {@code log-uniform} or {@code int-uniform}
   * @param values the choices ({@code choice}); the bounds {@code [lo, hi]} otherwise
   */
  public record Dimension(String path, String kind, List<Object> values) {
    static final List<String> RANGES = List.of("uniform", "log-uniform", "int-uniform");

    public Dimension {
      values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** Reads one {@code space} entry; {@code search = grid} accepts lists only. */
    public static Dimension parse(String path, Object spec, String search) {
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("a space entry has an empty path");
      }
      String where = "space entry '" + path + "'";
      if (spec instanceof List<?> list) {
        if (list.isEmpty()) {
          throw new IllegalArgumentException(where + " is an empty list; give the values to try");
        }
        return new Dimension(path, "choice", new ArrayList<>(list));
      }
      if (spec instanceof Map<?, ?> map && map.size() == 1) {
        Object key = map.keySet().iterator().next();
        Object bounds = map.get(key);
        if (RANGES.contains(String.valueOf(key))) {
          if (search.equals("grid")) {
            throw new IllegalArgumentException(where + " is a range {" + key + ": ...}; grid search takes lists of"
                + " values only (or use search: random)");
          }
          if (!(bounds instanceof List<?> b) || b.size() != 2 || !(b.get(0) instanceof Number)
              || !(b.get(1) instanceof Number)) {
            throw new IllegalArgumentException(where + ": " + key + " takes two numbers [lo, hi], got " + bounds);
          }
          double lo = ((Number) b.get(0)).doubleValue();
          double hi = ((Number) b.get(1)).doubleValue();
          if (!(lo < hi)) {
            throw new IllegalArgumentException(where + ": " + key + " needs lo < hi, got [" + lo + ", " + hi + "]");
          }
          if (key.equals("log-uniform") && lo <= 0) {
            throw new IllegalArgumentException(where + ": log-uniform needs lo > 0, got " + lo);
          }
          if (key.equals("int-uniform") && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
            throw new IllegalArgumentException(where + ": int-uniform takes whole numbers, got [" + lo + ", " + hi + "]");
          }
          return new Dimension(path, String.valueOf(key), List.of(b.get(0), b.get(1)));
        }
      }
      throw new IllegalArgumentException(where + " must be a list of values, or one of {uniform: [lo, hi]},"
          + " {log-uniform: [lo, hi]}, {int-uniform: [lo, hi]}, got " + spec);
    }

    /** The number of grid points ({@code choice} only). */
    public int size() {
      return values.size();
    }

    /**
     * The value of a random draw {@code u} in [0, 1): a choice by index, a range by inverse
     * transform. Real values are rounded to 3 significant digits (readable configs and run names).
     */
    public Object draw(double u) {
      return switch (kind) {
        case "choice" -> values.get(Math.min(values.size() - 1, (int) Math.floor(u * values.size())));
        case "uniform" -> round3(lo() + u * (hi() - lo()));
        case "log-uniform" -> round3(Math.exp(Math.log(lo()) + u * (Math.log(hi()) - Math.log(lo()))));
        case "int-uniform" -> (long) Math.min(hi(), Math.floor(lo() + u * (hi() - lo() + 1)));
        default -> throw new IllegalStateException(kind);
      };
    }

    private double lo() {
      return ((Number) values.get(0)).doubleValue();
    }

    private double hi() {
      return ((Number) values.get(1)).doubleValue();
    }

    static double round3(double x) {
      if (x == 0 || !Double.isFinite(x)) {
        return x;
      }
      return Double.parseDouble(String.format(Locale.ROOT, "%.3g", x));
    }
  }
}
