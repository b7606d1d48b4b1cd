package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;

/**
 * Ranks every item by its number of positive training interactions, the same list for every query:
 * the sanity floor a trained model must beat clearly. Nothing to train. For pointwise protocols the
 * pair score is {@code log((count + 1) / (max + 1))}, a log-odds-like popularity prior.
 */
public final class MostPopularModel implements Model {

  @Override
  public boolean trainable() {
    return false;
  }

  @Override
  public void initialize(InitContext ctx) {}

  @Override
  public Tower queryTower() {
    throw new UnsupportedOperationException("most-popular has no towers");
  }

  @Override
  public Tower itemTower() {
    throw new UnsupportedOperationException("most-popular has no towers");
  }

  @Override
  public Interaction interaction() {
    throw new UnsupportedOperationException("most-popular has no interaction");
  }

  /** Training counts of positive rows per item. */
  static float[] counts(Split split) {
    InteractionLog train = split.train();
    float[] counts = new float[split.dataset().numItems()];
    float[] positive = train.hasLabel("positive") ? train.label("positive") : null;
    for (int r = 0; r < train.size(); r++) {
      if (positive == null || positive[r] > 0) {
        counts[train.items()[r]] += 1f;
      }
    }
    return counts;
  }

  @Override
  public Scorer fixedScorer(Split split) {
    float[] counts = counts(split);
    float max = 0;
    for (float c : counts) {
      max = Math.max(max, c);
    }
    float top = max;
    return new Scorer() {
      @Override
      public int numItems() {
        return counts.length;
      }

      @Override
      public NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
        float[] row = java.util.Arrays.copyOfRange(counts, itemFrom, itemTo);
        NDArray r = org.towerlab.api.nn.Tensors.create(manager, row, new Shape(1, row.length)); // [1, m]
        return r.broadcast(new Shape(queries.length, row.length)); // [B, m]
      }

      @Override
      public float[] scorePairs(long[] queries, long[] items, NDManager manager) {
        float[] out = new float[items.length];
        for (int i = 0; i < items.length; i++) {
          out[i] = (float) Math.log((counts[(int) items[i]] + 1.0) / (top + 1.0));
        }
        return out;
      }
    };
  }
}
