package org.towerlab.evaluators;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the {@code truth} evaluator (data sets with ground truth: the simulator).
 *
 * @param ks cut-offs K, distinct and positive; default {@code [10, 20, 50]}
 * @param metrics any of {@code recall, ndcg, relevance}; default all three
 * @param queryBlock queries scored per block; default 512
 * @param itemBlock items scored per block; 0 (the default) scores the whole corpus in one block
 * @param excludeSeen whether the query's seen items are removed from the model's ranking and from
 *     the true ranking; {@code null} (the default) takes the split's {@code exclude-seen} setting,
 *     itself true by default
 * @param scorer the run's named scorer to evaluate instead of the system under test; prefixes keys
 *     with {@code <scorer>/}
 */
public record TruthEvaluatorConfig(
    List<Integer> ks,
    List<String> metrics,
    Integer queryBlock,
    Integer itemBlock,
    Boolean excludeSeen,
    String scorer) implements ComponentConfig.Evaluator {

  /** The metrics this evaluator knows, in report order. */
  public static final List<String> KNOWN_METRICS = List.of("recall", "ndcg", "relevance");

  public TruthEvaluatorConfig {
    ks = ks == null ? List.of(10, 20, 50) : List.copyOf(ks);
    ConfigChecks.cutoffs("ks", ks);
    metrics = metrics == null ? KNOWN_METRICS : List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics must name at least one metric, got " + metrics);
    }
    for (String m : metrics) {
      if (!KNOWN_METRICS.contains(m)) {
        throw new IllegalArgumentException("unknown truth metric '" + m + "'; known: " + KNOWN_METRICS);
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
    scorer = ConfigChecks.name("scorer", scorer, null);
  }

  /** All defaults. */
  public static TruthEvaluatorConfig defaults() {
    return new TruthEvaluatorConfig(null, null, null, null, null, null);
  }
}
