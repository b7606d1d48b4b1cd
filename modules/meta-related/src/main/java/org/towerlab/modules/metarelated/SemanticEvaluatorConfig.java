package org.towerlab.modules.metarelated;

import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the {@code semantic} evaluator.
 *
 * @param ks cut-offs K, distinct and positive; default {@code [10, 20, 50]}
 * @param threshold the relevance at or above which a recommended item counts as relevant; default
 *     none = the data set's rule's threshold
 * @param queryBlock queries scored per block; default 512
 * @param excludeSeen whether the query's seen items are removed from the ranking; default none =
 *     the split's {@code exclude-seen} setting (false under {@code related-temporal}). The seed item
 *     is always removed
 * @param task the task of a multi-task model to rank by ({@code relevance}, {@code blend}); default
 *     none = the primary score. Prefixes the keys with {@code <task>/}
 */
public record SemanticEvaluatorConfig(List<Integer> ks, Double threshold, Integer queryBlock, Boolean excludeSeen,
    String task) implements ComponentConfig.Evaluator {

  public SemanticEvaluatorConfig {
    ks = ks == null ? List.of(10, 20, 50) : List.copyOf(ks);
    if (ks.isEmpty()) {
      throw new IllegalArgumentException("ks must name at least one cut-off, got " + ks);
    }
    List<Integer> seen = new ArrayList<>();
    for (Integer k : ks) {
      if (k == null || k <= 0 || seen.contains(k)) {
        throw new IllegalArgumentException("ks must be distinct positive cut-offs, got " + ks);
      }
      seen.add(k);
    }
    if (threshold != null && !(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
    }
    queryBlock = queryBlock == null ? 512 : queryBlock;
    if (queryBlock <= 0) {
      throw new IllegalArgumentException("query-block must be positive, got " + queryBlock);
    }
    if (task != null && task.isBlank()) {
      throw new IllegalArgumentException("task must name a task of the model, got '" + task + "'");
    }
  }

  /** All defaults. */
  public static SemanticEvaluatorConfig defaults() {
    return new SemanticEvaluatorConfig(null, null, null, null, null);
  }
}
