package org.towerlab.evaluators.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Per-query values of a method and of its baseline in a seed grid, laid out as a crossed
 * {@code seed x user} table: cell {@code [s][u]} holds user {@code users[u]}'s value under seed
 * {@code seeds[s]}. Seed {@code s} of the method is paired with seed {@code s} of the baseline (a
 * grid gives both the same split). Only complete cases are kept: the users that every seed of both
 * runs evaluated with a finite value (a single-class query's NaN AUC drops the user), so the table
 * is balanced.
 *
 * @param seeds the seeds both runs have, ascending {@code [S]}
 * @param users the users kept, ascending {@code [U]}
 * @param method the method's values {@code [S][U]}
 * @param baseline the baseline's values {@code [S][U]}
 * @param droppedUsers users seen in some run but not kept
 */
public record SeedUserSample(int[] seeds, long[] users, double[][] method, double[][] baseline, int droppedUsers) {

  public SeedUserSample {
    if (method.length != seeds.length || baseline.length != seeds.length) {
      throw new IllegalArgumentException("tables have " + method.length + " and " + baseline.length + " rows for "
          + seeds.length + " seeds");
    }
    for (int s = 0; s < seeds.length; s++) {
      if (method[s].length != users.length || baseline[s].length != users.length) {
        throw new IllegalArgumentException("seed " + seeds[s] + " has " + method[s].length + " and "
            + baseline[s].length + " values for " + users.length + " users");
      }
    }
  }

  /** One run's per-query values: query ids and their values, same length. */
  public record Values(long[] queries, double[] values) {
    public Values {
      if (queries.length != values.length) {
        throw new IllegalArgumentException("queries and values differ in length: " + queries.length + " vs "
            + values.length);
      }
    }
  }

  /**
   * Builds the table from each seed's per-query values of the method and of the baseline, on the
   * seeds both have.
   *
   * @throws IllegalArgumentException when a run repeats a query id
   */
  public static SeedUserSample of(SortedMap<Integer, Values> method, SortedMap<Integer, Values> baseline) {
    List<Integer> seeds = new ArrayList<>(method.keySet());
    seeds.retainAll(baseline.keySet());
    List<Map<Long, Double>> a = new ArrayList<>();
    List<Map<Long, Double>> b = new ArrayList<>();
    TreeSet<Long> seen = new TreeSet<>();
    for (int seed : seeds) {
      a.add(index(method.get(seed), seed));
      b.add(index(baseline.get(seed), seed));
      seen.addAll(a.get(a.size() - 1).keySet());
      seen.addAll(b.get(b.size() - 1).keySet());
    }
    List<Long> kept = new ArrayList<>();
    for (long user : seen) {
      boolean complete = !seeds.isEmpty();
      for (int s = 0; s < seeds.size() && complete; s++) {
        Double x = a.get(s).get(user);
        Double y = b.get(s).get(user);
        complete = x != null && y != null && Double.isFinite(x) && Double.isFinite(y);
      }
      if (complete) {
        kept.add(user);
      }
    }
    double[][] ma = new double[seeds.size()][kept.size()];
    double[][] mb = new double[seeds.size()][kept.size()];
    for (int s = 0; s < seeds.size(); s++) {
      for (int u = 0; u < kept.size(); u++) {
        ma[s][u] = a.get(s).get(kept.get(u));
        mb[s][u] = b.get(s).get(kept.get(u));
      }
    }
    return new SeedUserSample(seeds.stream().mapToInt(Integer::intValue).toArray(),
        kept.stream().mapToLong(Long::longValue).toArray(), ma, mb, seen.size() - kept.size());
  }

  private static Map<Long, Double> index(Values v, int seed) {
    Map<Long, Double> out = new HashMap<>(v.queries().length * 2);
    for (int i = 0; i < v.queries().length; i++) {
      if (out.put(v.queries()[i], v.values()[i]) != null) {
        throw new IllegalArgumentException("query " + v.queries()[i] + " appears twice in the run of seed " + seed);
      }
    }
    return out;
  }

  public int numSeeds() {
    return seeds.length;
  }

  public int numUsers() {
    return users.length;
  }

  /** Method minus baseline per cell {@code [S][U]}. */
  public double[][] differences() {
    double[][] d = new double[seeds.length][users.length];
    for (int s = 0; s < seeds.length; s++) {
      for (int u = 0; u < users.length; u++) {
        d[s][u] = method[s][u] - baseline[s][u];
      }
    }
    return d;
  }

  /** Each seed's mean over the kept users of {@code table} ({@link #method} or {@link #baseline}) {@code [S]}. */
  public static double[] seedMeans(double[][] table) {
    double[] out = new double[table.length];
    for (int s = 0; s < table.length; s++) {
      double sum = 0;
      for (double v : table[s]) {
        sum += v;
      }
      out[s] = sum / table[s].length;
    }
    return out;
  }
}
