package org.towerlab.trainers;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.towerlab.api.eval.Scorer;

/**
 * The serving cost of a scorer, reported beside its quality so that comparisons show the trade-off:
 * <ul>
 *   <li>{@code flops-per-pair}: floating-point operations to score one (query, item) pair from cached
 *       tower outputs ({@code Interaction.flopsPerPair(TowerOutput, TowerOutput)}); absent for a
 *       cascade, whose cost is per query;
 *   <li>{@code us-per-1000-candidates}: measured microseconds to score one query against 1,000
 *       candidates (the query tower included, item outputs cached when the interaction allows it):
 *       the median of 15 timed calls after 3 warm-up calls, each for another query; for a cascade,
 *       {@code us-per-query}: the median time of one full cascade ranking;
 *   <li>{@code parameters}: number of weights (when known);
 *   <li>{@code item-side-precomputable}: 1 when item vectors can be computed once without the query.
 * </ul>
 * Times depend on the machine and its load; FLOPs and parameters do not.
 */
final class Costs {
  private static final int WARMUP = 3;
  private static final int REPEATS = 15;

  private Costs() {}

  static Map<String, Double> measure(String prefix, Scorer scorer, double parameters) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (scorer == null || scorer.numItems() == 0) {
      return out;
    }
    boolean cascade = scorer instanceof CascadeScorer;
    long flops = scorer.flopsPerPair();
    if (!cascade && flops > 0) {
      out.put(prefix + "flops-per-pair", (double) flops);
    }
    int n = Math.min(1000, scorer.numItems());
    double[] us = new double[REPEATS];
    try (NDManager m = NDManager.newBaseManager()) {
      for (int r = 0; r < WARMUP + REPEATS; r++) {
        long[] q = {r};
        long t = System.nanoTime();
        try (NDManager b = m.newSubManager()) {
          scorer.scoreBlock(q, 0, n, b).toFloatArray();
        }
        double micros = (System.nanoTime() - t) / 1e3;
        if (r >= WARMUP) {
          us[r - WARMUP] = micros;
        }
      }
    } catch (RuntimeException e) {
      return out; // a scorer that cannot score query 0..17 (tiny data sets) reports no time
    }
    Arrays.sort(us);
    double median = us[REPEATS / 2];
    if (cascade) {
      out.put(prefix + "us-per-query", median);
    } else {
      out.put(prefix + "us-per-1000-candidates", median * 1000.0 / n);
    }
    if (!Double.isNaN(parameters)) {
      out.put(prefix + "parameters", parameters);
    }
    out.put(prefix + "item-side-precomputable", scorer.itemSidePrecomputable() ? 1.0 : 0.0);
    return out;
  }
}
