package org.towerlab.api.config;

/**
 * The top-level {@code summary:} section: how a seed grid's summary compares methods with the
 * first one (the baseline). It does not change any run, so it is kept out of the runs' effective
 * configs and run ids (the config loader takes it off the file like {@code grid:}).
 *
 * <pre>{@code
 * summary: {primary-metric: recall@20, resamples: 2000, seed: 1}
 * summary: {primary-metric: pre-ranker/auc, cost-stage: pre-ranker}   # a grid of cascades
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
 * @param costStage the stage whose serving cost the grid's quality-vs-cost charts plot, for grids of
 *     cascades that compare one stage (for example {@code pre-ranker}: {@code cost/pre-ranker/...});
 *     {@code null} (default): the run's own scorer ({@code cost/flops-per-pair})
 * @param metrics the test metrics of the summary table, in order, without the {@code test/} prefix
 *     (for example {@code pre-ranker/auc}); {@code null} (default): Recall@10/20/50, NDCG@10/20,
 *     HitRate@50/100, MRR@10, AUC, GAUC and LogLoss, those that every run reports. Only metrics with
 *     per-query values get a crossed test; the others get their interval over seeds only
 */
public record SummaryConfig(String primaryMetric, Integer resamples, Long seed, String costStage,
    java.util.List<String> metrics) {
  /** Every default. */
  public static final SummaryConfig DEFAULT = new SummaryConfig(null, null, null, null, null);

  /** The default metric list and cost. */
  public SummaryConfig(String primaryMetric, Integer resamples, Long seed) {
    this(primaryMetric, resamples, seed, null, null);
  }

  public SummaryConfig {
    if (primaryMetric != null && primaryMetric.isBlank()) {
      throw new IllegalArgumentException("primary-metric is blank; name a test metric such as recall@20, or leave"
          + " it out to correct over every metric");
    }
    resamples = resamples == null ? 2000 : resamples;
    seed = seed == null ? 1L : seed;
    if (costStage != null && costStage.isBlank()) {
      throw new IllegalArgumentException("cost-stage is blank; name a stage of the cascade such as pre-ranker, or"
          + " leave it out to plot the run's own cost");
    }
    if (metrics != null) {
      if (metrics.isEmpty() || metrics.stream().anyMatch(m -> m == null || m.isBlank() || m.startsWith("test/"))) {
        throw new IllegalArgumentException("metrics must list test metric names without the test/ prefix (for example"
            + " [recall@20, pre-ranker/auc]), got " + metrics);
      }
      metrics = java.util.List.copyOf(metrics);
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be at least 100 (2000 recommended), got " + resamples);
    }
  }
}
