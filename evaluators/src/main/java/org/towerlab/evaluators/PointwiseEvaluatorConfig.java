package org.towerlab.evaluators;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the {@code pointwise} evaluator (the {@code ctr} protocol).
 *
 * @param metrics metrics to report, any of {@code auc, gauc, logloss}; default all three
 * @param block rows scored per call of {@code Scorer.scorePairs}; default 8192
 * @param label the label column that defines a positive row ({@code click}, {@code like},
 *     {@code rating}, ...); default {@code positive} (unprefixed keys). Any other label prefixes
 *     every key with {@code <label>/}
 * @param minLabel a row is positive when its label value is at least this; {@code null} (the
 *     default) means a value above 0
 * @param task the task of a multi-task model to score by (see the topk evaluator); default none
 * @param scorer the run's named scorer to evaluate (a cascade stage) instead of the system under
 *     test; {@code null} (the default) evaluates the system. Prefixes every key with
 *     {@code <scorer>/}, before the label prefix
 */
public record PointwiseEvaluatorConfig(List<String> metrics, Integer block, String label, Double minLabel,
    String scorer, String task) implements ComponentConfig.Evaluator {

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
    label = ConfigChecks.name("label", label, LabelRule.POSITIVE);
    minLabel = ConfigChecks.finite("min-label", minLabel);
    scorer = ConfigChecks.name("scorer", scorer, null);
    task = ConfigChecks.name("task", task, null);
  }

  /** The positive label, the system under test. */
  /** Without a task. */
  public PointwiseEvaluatorConfig(List<String> metrics, Integer block, String label, Double minLabel,
      String scorer) {
    this(metrics, block, label, minLabel, scorer, null);
  }

  public PointwiseEvaluatorConfig(List<String> metrics, Integer block) {
    this(metrics, block, null, null, null);
  }

  /** All defaults. */
  public static PointwiseEvaluatorConfig defaults() {
    return new PointwiseEvaluatorConfig(null, null);
  }
}
