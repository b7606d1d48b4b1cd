package org.towerlab.api.eval;

import java.util.Map;

/**
 * The result of one evaluator on one split part.
 *
 * @param metrics aggregate metrics keyed {@code <metric>@<k>} or {@code <metric>} (for example
 *     {@code recall@20}, {@code auc}); the runner prefixes them with the part ({@code test/recall@20})
 * @param perQuery per-query values for paired significance tests: metric key to a value per
 *     evaluated query, aligned with {@link #queries()}
 * @param queries the evaluated query ids, in the order of the per-query arrays
 */
public record Evaluation(Map<String, Double> metrics, Map<String, double[]> perQuery, long[] queries) {

  public Evaluation {
    metrics = Map.copyOf(metrics);
    perQuery = perQuery == null ? Map.of() : Map.copyOf(perQuery);
    queries = queries == null ? new long[0] : queries;
  }
}
