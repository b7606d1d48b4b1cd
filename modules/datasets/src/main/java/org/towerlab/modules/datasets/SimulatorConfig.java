package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link Simulator}.
 *
 * @param nUsers number of users; default 1000
 * @param nItems number of items; default 500
 * @param nCategories number of item categories; default 10
 * @param dim width of the items' dense {@code content} vector; default 16
 * @param latentDim width of the true user and item latent vectors; default 8
 * @param nSegments number of coarse user segments (the query field {@code segment}); default 4
 * @param interactionsPerUser mean number of logged exposures per user (uniform on
 *     {@code [1, 2m-1]}); default 20
 * @param popularityBias exponent {@code alpha} of item popularity in the logging policy; 0 = no
 *     popularity bias; default 1.0
 * @param personalization strength {@code beta} of the segment-item affinity in the logging
 *     policy; default 1.0
 * @param relevanceScale scale {@code s} in {@code relevance = sigmoid(s <u, v> + b)}; default 4.0
 * @param relevanceBias offset {@code b}; default -1.0
 * @param slateSize impressions per slate (positions {@code 0 .. slateSize-1}); default 5
 * @param seed the generator's seed; default: the run's stream {@code data.simulator}
 * @param protocol the split protocol; default {@code per-user-ratio} (on clicks)
 */
public record SimulatorConfig(Integer nUsers, Integer nItems, Integer nCategories, Integer dim, Integer latentDim,
    Integer nSegments, Double interactionsPerUser, Double popularityBias, Double personalization,
    Double relevanceScale, Double relevanceBias, Integer slateSize, Long seed, ComponentConfig.Protocol protocol)
    implements ComponentConfig.Data {

  public SimulatorConfig {
    nUsers = positive("n-users", nUsers, 1000);
    nItems = positive("n-items", nItems, 500);
    nCategories = positive("n-categories", nCategories, 10);
    dim = positive("dim", dim, 16);
    latentDim = positive("latent-dim", latentDim, 8);
    nSegments = positive("n-segments", nSegments, 4);
    interactionsPerUser = interactionsPerUser == null ? 20.0 : interactionsPerUser;
    if (!(interactionsPerUser >= 1.0) || interactionsPerUser > 1e6) {
      throw new IllegalArgumentException("interactions-per-user must be in [1, 1e6], got " + interactionsPerUser);
    }
    popularityBias = finite("popularity-bias", popularityBias, 1.0);
    if (popularityBias < 0) {
      throw new IllegalArgumentException("popularity-bias must be >= 0, got " + popularityBias);
    }
    personalization = finite("personalization", personalization, 1.0);
    relevanceScale = finite("relevance-scale", relevanceScale, 4.0);
    relevanceBias = finite("relevance-bias", relevanceBias, -1.0);
    slateSize = positive("slate-size", slateSize, 5);
    long maxRows = (long) nUsers * Math.max(1, Math.round(2 * interactionsPerUser - 1));
    if (maxRows > MAX_ROWS) {
      throw new IllegalArgumentException("n-users x interactions-per-user may give up to " + maxRows
          + " log rows; the simulator holds at most " + MAX_ROWS + ". Lower n-users or interactions-per-user");
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
  }

  /** The largest log the simulator generates (rows). */
  public static final long MAX_ROWS = 100_000_000L;

  /** Defaults with the given sizes and seed. */
  public static SimulatorConfig of(int nUsers, int nItems, double interactionsPerUser, long seed) {
    return new SimulatorConfig(nUsers, nItems, null, null, null, null, interactionsPerUser, null, null, null, null,
        null, seed, null);
  }

  private static Integer positive(String key, Integer v, int dflt) {
    int x = v == null ? dflt : v;
    if (x <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got " + v);
    }
    return x;
  }

  private static Double finite(String key, Double v, double dflt) {
    double x = v == null ? dflt : v;
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException(key + " must be a finite number, got " + v);
    }
    return x;
  }
}
