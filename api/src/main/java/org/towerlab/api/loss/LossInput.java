package org.towerlab.api.loss;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Everything a loss may use for one batch of B logged (query, item) pairs. Arrays are on the batch
 * manager; optional ones are {@code null}.
 *
 * @param scores score of each logged pair {@code [B]} (the positive, for implicit data)
 * @param negatives scores of the sampled negatives {@code [B, C]} (in-batch, shared, per-query
 *     columns; see {@link org.towerlab.api.sampling.Negatives}), or {@code null}
 * @param negativeMask 1 where a negative column is valid, 0 where masked (accidental hit, padding)
 *     {@code [B, C]}
 * @param scoreLogQ log sampling probability of each logged item as a candidate {@code [B]}, or null
 * @param negativeLogQ log sampling probabilities of the negatives {@code [B, C]}, or null
 * @param labels pair labels by name, float32 {@code [B]}: {@code positive} (1/0) always, plus the
 *     log's labels (rating, click, like, relevance; graded or ordinal)
 * @param weights per-example weights {@code [B]} (inverse propensity), or {@code null} for 1
 * @param teacher teacher scores {@code [B, 1 + C]} for distillation from a ranker, or {@code null}
 * @param listScores scores of each query's candidate list {@code [B, L]} (ARF, RankFlow), or null
 * @param listLabels graded labels of the list {@code [B, L]}, or {@code null}
 * @param listMask 1 where a list slot is filled {@code [B, L]}, or {@code null}
 * @param queryOutput the query tower's output for the B rows, for losses that score several heads
 *     or tasks themselves (MVKE's per-task experts, GNOLR's objectives), or {@code null}
 * @param itemOutput the item tower's output for the B logged items (row-aligned), or {@code null}
 */
public record LossInput(
    NDArray scores,
    NDArray negatives,
    NDArray negativeMask,
    NDArray scoreLogQ,
    NDArray negativeLogQ,
    Map<String, NDArray> labels,
    NDArray weights,
    NDArray teacher,
    NDArray listScores,
    NDArray listLabels,
    NDArray listMask,
    org.towerlab.api.model.TowerOutput queryOutput,
    org.towerlab.api.model.TowerOutput itemOutput) {

  public LossInput {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** Without tower outputs (losses that only read scores). */
  public LossInput(NDArray scores, NDArray negatives, NDArray negativeMask, NDArray scoreLogQ, NDArray negativeLogQ,
      Map<String, NDArray> labels, NDArray weights, NDArray teacher, NDArray listScores, NDArray listLabels,
      NDArray listMask) {
    this(scores, negatives, negativeMask, scoreLogQ, negativeLogQ, labels, weights, teacher, listScores, listLabels,
        listMask, null, null);
  }

  /** The named label; throws naming the available labels when absent. */
  public NDArray label(String name) {
    NDArray a = labels.get(name);
    if (a == null) {
      throw new IllegalArgumentException("the loss needs label '" + name + "'; this batch has " + labels.keySet());
    }
    return a;
  }

  public boolean hasNegatives() {
    return negatives != null && negatives.getShape().get(1) > 0;
  }

  /** Mean of per-example values {@code [B]}, weighted by {@link #weights()} when present. */
  public NDArray weightedMean(NDArray perExample) {
    if (weights == null) {
      return perExample.mean();
    }
    return perExample.mul(weights).sum().div(weights.sum().maximum(1e-12f));
  }
}
