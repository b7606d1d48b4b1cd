package org.towerlab.api.config;

/**
 * The top-level {@code summary:} section: how a seed grid's summary compares methods with the
 * first one (the baseline). It does not change any run, so it is kept out of the runs' effective
 * configs and run ids (the config loader takes it off the file like {@code grid:}).
 *
 * <pre>{@code
 * summary: {primary-metric: recall@20, resamples: 2000, seed: 1}
 * }</pre>
 *
 * @param primaryMetric the one metric the comparisons are declared for (for example
 *     {@code recall@20}): Holm's correction then runs over the methods on that metric only, and
 *     every other metric is reported as exploratory (unadjusted p, never marked). {@code null}
 *     (default): Holm runs over every method x metric comparison of the table
 * @param resamples bootstrap resamples of the two-way cluster bootstrap (default 2000: the Monte
 *     Carlo error of each interval endpoint is then about 3% of the interval's half-width; the
 *     p-values do not depend on it)
 * @param seed root seed of the bootstrap streams (default 1); the same seed gives the same intervals
 */
public record SummaryConfig(String primaryMetric, Integer resamples, Long seed) {
  /** Every default. */
  public static final SummaryConfig DEFAULT = new SummaryConfig(null, null, null);

  public SummaryConfig {
    if (primaryMetric != null && primaryMetric.isBlank()) {
      throw new IllegalArgumentException("primary-metric is blank; name a test metric such as recall@20, or leave"
          + " it out to correct over every metric");
    }
    resamples = resamples == null ? 2000 : resamples;
    seed = seed == null ? 1L : seed;
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be at least 100 (2000 recommended), got " + resamples);
    }
  }
}
