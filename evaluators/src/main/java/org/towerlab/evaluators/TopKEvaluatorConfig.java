package org.towerlab.evaluators;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the full-corpus {@code topk} evaluator.
 *
 * @param ks cut-offs K, distinct and positive; default {@code [10, 20, 50]}
 * @param metrics ranking metrics to report, any of {@code recall, hit, ndcg, mrr, precision};
 *     default all five
 * @param queryBlock queries scored per block; default 512
 * @param itemBlock items scored per block; 0 (the default) scores the whole corpus in one block, in
 *     blocks of 262,144 items above that size (the lists do not depend on the blocks)
 * @param excludeSeen whether items in the query's seen interactions are removed from the ranking;
 *     {@code null} (the default) takes the split's {@code exclude-seen} setting, itself true by
 *     default
 * @param extras whether to report {@code coverage@K} and {@code avg-popularity@K}; default true
 * @param label the label column whose rows are the targets ({@code click}, {@code like},
 *     {@code rating}, ...); default {@code positive} (the protocol's positive rows, unprefixed
 *     keys). Any other label prefixes every key with {@code <label>/}
 * @param minLabel a row is a target when its label value is at least this; {@code null} (the
 *     default) means a value above 0
 * @param scorer the run's named scorer to evaluate (a cascade stage) instead of the system under
 *     test; {@code null} (the default) evaluates the system. Prefixes every key with
 *     {@code <scorer>/}, before the label prefix
 * @param task the task of a multi-task model to rank by ({@code MultiTask}: MVKE's per-task gates,
 *     GNOLR's levels); {@code null} (the default) ranks by the model's primary score. Keys are
 *     prefixed {@code <task>/} after the scorer prefix, unless the label has the same name
 */
public record TopKEvaluatorConfig(
    List<Integer> ks,
    List<String> metrics,
    Integer queryBlock,
    Integer itemBlock,
    Boolean excludeSeen,
    Boolean extras,
    String label,
    Double minLabel,
    String scorer,
    String task) implements ComponentConfig.Evaluator {

  /** The ranking metrics this evaluator knows, in report order. */
  public static final List<String> KNOWN_METRICS = List.of("recall", "hit", "ndcg", "mrr", "precision");

  public TopKEvaluatorConfig {
    ks = ks == null ? List.of(10, 20, 50) : List.copyOf(ks);
    if (ks.isEmpty()) {
      throw new IllegalArgumentException("ks must name at least one cut-off, got " + ks);
    }
    ConfigChecks.cutoffs("ks", ks);
    metrics = metrics == null ? KNOWN_METRICS : List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics must name at least one metric, got " + metrics);
    }
    for (String m : metrics) {
      if (!KNOWN_METRICS.contains(m)) {
        throw new IllegalArgumentException("unknown top-K metric '" + m + "'; known: " + KNOWN_METRICS);
      }
    }
    queryBlock = queryBlock == null ? 512 : queryBlock;
    if (queryBlock <= 0) {
      throw new IllegalArgumentException("query-block must be positive, got " + queryBlock);
    }
    itemBlock = itemBlock == null ? 0 : itemBlock;
    if (itemBlock < 0) {
      throw new IllegalArgumentException("item-block must be 0 (whole corpus) or positive, got " + itemBlock);
    }
    extras = extras == null ? Boolean.TRUE : extras;
    label = ConfigChecks.name("label", label, LabelRule.POSITIVE);
    minLabel = ConfigChecks.finite("min-label", minLabel);
    scorer = ConfigChecks.name("scorer", scorer, null);
    task = ConfigChecks.name("task", task, null);
  }

  /** Without a task. */
  public TopKEvaluatorConfig(List<Integer> ks, List<String> metrics, Integer queryBlock, Integer itemBlock,
      Boolean excludeSeen, Boolean extras, String label, Double minLabel, String scorer) {
    this(ks, metrics, queryBlock, itemBlock, excludeSeen, extras, label, minLabel, scorer, null);
  }

  /** The positive label, the system under test. */
  public TopKEvaluatorConfig(List<Integer> ks, List<String> metrics, Integer queryBlock, Integer itemBlock,
      Boolean excludeSeen, Boolean extras) {
    this(ks, metrics, queryBlock, itemBlock, excludeSeen, extras, null, null, null);
  }

  /** All defaults. */
  public static TopKEvaluatorConfig defaults() {
    return new TopKEvaluatorConfig(null, null, null, null, null, null);
  }

  /** The largest cut-off: the length of the partial top-K kept per query. */
  public int maxK() {
    int max = 0;
    for (int k : ks) {
      max = Math.max(max, k);
    }
    return max;
  }
}
