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
 * @param interactionsPerUser mean number m of logged exposures per user (uniform on
 *     {@code [n0, 2m-n0]}, {@code n0 = min-interactions-per-user}); default 20
 * @param minInteractionsPerUser the least number n0 of logged exposures per user, at most m (long
 *     histories: {@code interactions-per-user: 1500, min-interactions-per-user: 1000} gives every user
 *     1,000 to 2,000); default 1. Single-stage log only
 * @param popularityBias exponent {@code alpha} of item popularity in the logging policy; 0 = no
 *     popularity bias; default 1.0
 * @param personalization strength {@code beta} of the segment-item affinity in the logging
 *     policy; default 1.0
 * @param categoryInterest strength {@code w} of category-dependent interests: user {@code u} has one
 *     latent offset per category, {@code u_k = u + w delta_uk / sqrt(L)} ({@code delta} standard
 *     normal), and relevance to item {@code i} uses {@code u_k(i)}, so the user's taste inside a
 *     category (and for it) is its own; default 0 = one latent per user (the world without it)
 * @param relevanceScale scale {@code s} in {@code relevance = sigmoid(s <u, v> + b)}; default 4.0
 * @param relevanceBias offset {@code b}; default -1.0
 * @param slateSize impressions per slate (positions {@code 0 .. slateSize-1}); default 5
 * @param historyLength when positive, declare a query-side sequence field {@code history} of this
 *     length (filled per example by the trainer from training positives before the example); default
 *     0 = no history field
 * @param history the query-side behaviour sequences {@code history} and {@code category-history}
 *     ({@link SimulatorHistoryConfig}); default none
 * @param seed the generator's seed; default: the run's stream {@code data.simulator}
 * @param cascade the multi-stage logging system ({@link SimulatorCascadeConfig}); default none =
 *     the single-stage log described in {@link Simulator} (then {@code interactions-per-user}
 *     sets the log size; with a cascade, {@code cascade.requests-per-user} does and each request
 *     shows {@code slate-size} items)
 * @param protocol the split protocol; default {@code per-user-ratio} (on clicks)
 */
public record SimulatorConfig(Integer nUsers, Integer nItems, Integer nCategories, Integer dim, Integer latentDim,
    Integer nSegments, Double interactionsPerUser, Integer minInteractionsPerUser, Double popularityBias,
    Double personalization, Double categoryInterest, Double relevanceScale, Double relevanceBias, Integer slateSize,
    Integer historyLength, SimulatorHistoryConfig history, Long seed, SimulatorCascadeConfig cascade,
    ComponentConfig.Protocol protocol) implements ComponentConfig.Data {

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
    minInteractionsPerUser = positive("min-interactions-per-user", minInteractionsPerUser, 1);
    if (minInteractionsPerUser > interactionsPerUser) {
      throw new IllegalArgumentException("min-interactions-per-user must be at most interactions-per-user ("
          + interactionsPerUser + "), got " + minInteractionsPerUser);
    }
    if (cascade != null && minInteractionsPerUser != 1) {
      throw new IllegalArgumentException("min-interactions-per-user applies to the single-stage log; with a cascade"
          + " the log size is cascade.requests-per-user. Remove one of them, got " + minInteractionsPerUser);
    }
    popularityBias = finite("popularity-bias", popularityBias, 1.0);
    if (popularityBias < 0) {
      throw new IllegalArgumentException("popularity-bias must be >= 0, got " + popularityBias);
    }
    personalization = finite("personalization", personalization, 1.0);
    categoryInterest = finite("category-interest", categoryInterest, 0.0);
    if (categoryInterest < 0) {
      throw new IllegalArgumentException("category-interest must be >= 0, got " + categoryInterest);
    }
    if (categoryInterest > 0 && (long) nUsers * nCategories * latentDim > 50_000_000L) {
      throw new IllegalArgumentException("category-interest keeps n-users x n-categories x latent-dim = "
          + ((long) nUsers * nCategories * latentDim) + " numbers, above 50,000,000; use fewer users or categories");
    }
    relevanceScale = finite("relevance-scale", relevanceScale, 4.0);
    relevanceBias = finite("relevance-bias", relevanceBias, -1.0);
    slateSize = positive("slate-size", slateSize, 5);
    if (cascade != null && cascade.retrieved() > nItems) {
      throw new IllegalArgumentException("cascade.retrieved must be at most n-items (" + nItems + "), got "
          + cascade.retrieved());
    }
    if (cascade != null && slateSize > cascade.preRanked()) {
      throw new IllegalArgumentException("slate-size (" + slateSize + ") must be at most cascade.pre-ranked, got "
          + cascade.preRanked());
    }
    if (cascade != null && cascade.propensity().equals("user") && (long) nUsers * nItems > 10_000_000L) {
      throw new IllegalArgumentException("cascade.propensity: user keeps three floats per (user, item) pair, but"
          + " n-users x n-items = " + ((long) nUsers * nItems) + " exceeds 10,000,000; use propensity: segment or"
          + " fewer users or items");
    }
    historyLength = historyLength == null ? 0 : historyLength;
    if (historyLength < 0) {
      throw new IllegalArgumentException("history-length must be >= 0, got " + historyLength);
    }
    if (historyLength > 0 && history != null) {
      throw new IllegalArgumentException("history-length and history: both declare the query field 'history'; keep"
          + " history: and set its flat-length (" + historyLength + ") instead");
    }
    long maxRows = cascade != null ? 0 : (long) nUsers * Math.max(1, Math.round(2 * interactionsPerUser - 1));
    if (maxRows > MAX_ROWS) {
      throw new IllegalArgumentException("n-users x interactions-per-user may give up to " + maxRows
          + " log rows; the simulator holds at most " + MAX_ROWS + ". Lower n-users or interactions-per-user");
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
  }

  /** Without the long-history options (min-interactions-per-user, category-interest, history). */
  public SimulatorConfig(Integer nUsers, Integer nItems, Integer nCategories, Integer dim, Integer latentDim,
      Integer nSegments, Double interactionsPerUser, Double popularityBias, Double personalization,
      Double relevanceScale, Double relevanceBias, Integer slateSize, Long seed, SimulatorCascadeConfig cascade,
      ComponentConfig.Protocol protocol) {
    this(nUsers, nItems, nCategories, dim, latentDim, nSegments, interactionsPerUser, null, popularityBias,
        personalization, null, relevanceScale, relevanceBias, slateSize, null, null, seed, cascade, protocol);
  }

  /** With the long-history options, without the flat history-length shorthand. */
  public SimulatorConfig(Integer nUsers, Integer nItems, Integer nCategories, Integer dim, Integer latentDim,
      Integer nSegments, Double interactionsPerUser, Integer minInteractionsPerUser, Double popularityBias,
      Double personalization, Double categoryInterest, Double relevanceScale, Double relevanceBias, Integer slateSize,
      SimulatorHistoryConfig history, Long seed, SimulatorCascadeConfig cascade, ComponentConfig.Protocol protocol) {
    this(nUsers, nItems, nCategories, dim, latentDim, nSegments, interactionsPerUser, minInteractionsPerUser,
        popularityBias, personalization, categoryInterest, relevanceScale, relevanceBias, slateSize, null, history, seed,
        cascade, protocol);
  }

  /** Without a cascade (the single-stage log). */
  public SimulatorConfig(Integer nUsers, Integer nItems, Integer nCategories, Integer dim, Integer latentDim,
      Integer nSegments, Double interactionsPerUser, Double popularityBias, Double personalization,
      Double relevanceScale, Double relevanceBias, Integer slateSize, Long seed, ComponentConfig.Protocol protocol) {
    this(nUsers, nItems, nCategories, dim, latentDim, nSegments, interactionsPerUser, popularityBias, personalization,
        relevanceScale, relevanceBias, slateSize, seed, null, protocol);
  }

  /** The largest log the simulator generates (rows). */
  public static final long MAX_ROWS = 100_000_000L;

  /** Defaults with the given sizes and seed. */
  public static SimulatorConfig of(int nUsers, int nItems, double interactionsPerUser, long seed) {
    return new SimulatorConfig(nUsers, nItems, null, null, null, null, interactionsPerUser, null, null, null, null,
        null, (Long) seed, (SimulatorCascadeConfig) null, null);
  }

  /** Defaults with the given sizes, seed and cascade. */
  public static SimulatorConfig cascade(int nUsers, int nItems, SimulatorCascadeConfig cascade, long seed) {
    return new SimulatorConfig(nUsers, nItems, null, null, null, null, null, null, null, null, null, null,
        (Long) seed, cascade, null);
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
