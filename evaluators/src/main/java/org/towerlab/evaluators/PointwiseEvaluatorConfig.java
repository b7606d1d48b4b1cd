package org.towerlab.evaluators;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the {@code pointwise} evaluator (the {@code ctr} protocol).
 *
 * @param metrics metrics to report, any of {@code auc, gauc, logloss}; default all three
 * @param block rows scored per call of {@code Scorer.scorePairs}; default 8192
 */
public record PointwiseEvaluatorConfig(List<String> metrics, Integer block)
    implements ComponentConfig.Evaluator {

  /** The pointwise metrics this evaluator knows, in report order. */
  public static final List<String> KNOWN_METRICS = List.of("auc", "gauc", "logloss");

  public PointwiseEvaluatorConfig {
    metrics = metrics == null ? KNOWN_METRICS : List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics must name at least one metric, got " + metrics);
    }
    for (String m : metrics) {
      if (!KNOWN_METRICS.contains(m)) {
        throw new IllegalArgumentException("unknown pointwise metric '" + m + "'; known: " + KNOWN_METRICS);
      }
    }
    block = block == null ? 8192 : block;
    if (block <= 0) {
      throw new IllegalArgumentException("block must be positive, got " + block);
    }
  }

  /** All defaults. */
  public static PointwiseEvaluatorConfig defaults() {
    return new PointwiseEvaluatorConfig(null, null);
  }
}
