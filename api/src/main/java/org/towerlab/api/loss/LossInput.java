package org.towerlab.api.loss;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.towerlab.api.model.TowerOutput;

/**
 * Everything a loss may use for one training step of B rows. Arrays are on the batch manager;
 * optional ones are {@code null}. Which fields are filled depends on the step's
 * {@link TrainingRows} mode (see the table in {@code docs/architecture.md}).
 *
 * @param scores score of each row's pair {@code [B]}: the positive (POSITIVES), the logged pair
 *     (LOGGED), or {@code null} (LISTS)
 * @param negatives scores of the sampled candidates {@code [B, C]} (in-batch, shared, per-query
 *     columns; see {@link org.towerlab.api.sampling.Negatives}), or {@code null}
 * @param negativeMask 1 where a candidate column is valid, 0 where masked (accidental hit,
 *     padding) {@code [B, C]}
 * @param scoreLogQ log sampling probability of each row's item as a candidate {@code [B]}, or null
 * @param negativeLogQ log sampling probabilities of the candidates {@code [B, C]}, or null
 * @param labels row labels by name, float32 {@code [B]}: {@code positive} (1/0) always, plus the
 *     log's labels (rating, click, like, relevance; graded or ordinal)
 * @param weights per-row weights {@code [B]} (inverse propensity), or {@code null} for 1
 * @param teacher a teacher's scores of the same pairs, {@code [B, 1 + C]}: column 0 the row's
 *     pair, then the candidate columns; computed under no-grad; or {@code null}
 * @param listScores scores of each row's candidate list {@code [B, L]} (LISTS), or {@code null}
 * @param listLabels graded labels of the list slots {@code [B, L]} (the trainer's list label), or
 *     {@code null}
 * @param listMask 1 where a list slot is filled {@code [B, L]}, or {@code null}
 * @param listTeacher a teacher's scores of the list slots {@code [B, L]}, under no-grad, or null
 * @param queryOutput the query tower's output for the B rows, for losses that score several heads
 *     or tasks themselves (MVKE's per-task experts, GNOLR's objectives), or {@code null}
 * @param itemOutput the item tower's output for the B rows' items (row-aligned), or {@code null}
 * @param ids the Java ids of the step (queries, items, row indices, candidate items), or null
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
    NDArray listTeacher,
    TowerOutput queryOutput,
    TowerOutput itemOutput,
    Ids ids) {

  public LossInput {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /**
   * The Java ids of one step.
   *
   * @param queries query id of each row {@code [B]}
   * @param items item id of each row's pair {@code [B]} (LISTS: the list's first slot)
   * @param rows index of each row in the log the step iterates (positives or logged rows of the
   *     training part; LISTS: the list's index), for per-row data such as popularity weights
   * @param candidates item id of every candidate column {@code [B, C]} (-1 for padding), or
   *     {@code null}
   * @param listItems item id of every list slot, row-major {@code [B * L]} (-1 for padding), or null
   */
  public record Ids(long[] queries, long[] items, int[] rows, CandidateIds candidates, long[] listItems) {}

  /** An input holding only pair scores and labels (pointwise losses, tests). */
  public static Builder builder(NDArray scores) {
    return new Builder().scores(scores);
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

  public boolean hasLists() {
    return listScores != null;
  }

  /** Mean of per-row values {@code [B]}, weighted by {@link #weights()} when present. */
  public NDArray weightedMean(NDArray perExample) {
    if (weights == null) {
      return perExample.mean();
    }
    return perExample.mul(weights).sum().div(weights.sum().maximum(1e-12f));
  }

  /** A builder; every field but the ones set stays {@code null}. */
  public static final class Builder {
    private NDArray scores;
    private NDArray negatives;
    private NDArray negativeMask;
    private NDArray scoreLogQ;
    private NDArray negativeLogQ;
    private Map<String, NDArray> labels;
    private NDArray weights;
    private NDArray teacher;
    private NDArray listScores;
    private NDArray listLabels;
    private NDArray listMask;
    private NDArray listTeacher;
    private TowerOutput queryOutput;
    private TowerOutput itemOutput;
    private Ids ids;

    public Builder scores(NDArray v) {
      scores = v;
      return this;
    }

    public Builder negatives(NDArray scores, NDArray mask) {
      negatives = scores;
      negativeMask = mask;
      return this;
    }

    public Builder logQ(NDArray score, NDArray candidates) {
      scoreLogQ = score;
      negativeLogQ = candidates;
      return this;
    }

    public Builder labels(Map<String, NDArray> v) {
      labels = v;
      return this;
    }

    public Builder weights(NDArray v) {
      weights = v;
      return this;
    }

    public Builder teacher(NDArray v) {
      teacher = v;
      return this;
    }

    public Builder list(NDArray scores, NDArray labels, NDArray mask) {
      listScores = scores;
      listLabels = labels;
      listMask = mask;
      return this;
    }

    public Builder listTeacher(NDArray v) {
      listTeacher = v;
      return this;
    }

    public Builder outputs(TowerOutput query, TowerOutput item) {
      queryOutput = query;
      itemOutput = item;
      return this;
    }

    public Builder ids(Ids v) {
      ids = v;
      return this;
    }

    public LossInput build() {
      return new LossInput(scores, negatives, negativeMask, scoreLogQ, negativeLogQ, labels, weights, teacher,
          listScores, listLabels, listMask, listTeacher, queryOutput, itemOutput, ids);
    }
  }
}
