package org.towerlab.modules.ebr;

import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * EBR's online hard negative mining (Huang et al., KDD 2020, section 6.1): within a batch of
 * (query, positive) pairs, each query's negatives are the {@code k} other positives it scores
 * highest, {@code argmax_{j != i} S_ij} with {@code S = Q Dp^T}. The trainer hands the in-batch
 * score matrix to {@link #mine} as Java values, so the choice carries no gradient; the chosen
 * columns are then gathered from the differentiable score matrix.
 *
 * <p>A column is never chosen when it holds the row's own positive item, an item already chosen for
 * the row, or (by default) a known training positive of the row's query. Optionally
 * {@code numEasy} uniform corpus items are added as shared easy negatives (EBR mixes easy and hard
 * negatives; hard ones alone did worse). No logQ is reported: mined negatives have no sampling
 * probability to correct for.
 */
public final class OnlineHardSampler implements Sampler, InBatchMiner {
  private final int k;
  private final int numEasy;
  private final boolean excludeKnown;
  // The context of the last sample() call: the trainer calls sample() and then mine() for the same
  // batch, and InBatchMiner.mine has no context parameter.
  private SamplerContext context;

  public OnlineHardSampler(OnlineHardSamplerConfig config) {
    this.k = config.k();
    this.numEasy = config.numEasy();
    this.excludeKnown = config.excludeKnownPositives();
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    this.context = ctx;
    if (numEasy == 0) {
      return Negatives.inBatch(null);
    }
    long[] easy = new long[numEasy];
    for (int j = 0; j < numEasy; j++) {
      easy[j] = request.rng().nextInt(ctx.numItems());
    }
    return new Negatives(true, null, easy, null, null, null, null);
  }

  @Override
  public int[][] mine(float[][] scores, long[] queries, long[] positives) {
    int b = positives.length;
    int[][] out = new int[b][];
    Integer[] order = new Integer[b];
    for (int i = 0; i < b; i++) {
      float[] row = scores[i];
      for (int j = 0; j < b; j++) {
        order[j] = j;
      }
      // Highest score first; ties by column index, so the choice is deterministic.
      java.util.Arrays.sort(order, (x, y) -> row[x] != row[y] ? Float.compare(row[y], row[x]) : Integer.compare(x, y));
      int[] chosen = new int[k];
      int n = 0;
      for (int r = 0; r < b && n < k; r++) {
        if (eligible(i, order[r], queries, positives, chosen, n)) {
          chosen[n++] = order[r];
        }
      }
      out[i] = java.util.Arrays.copyOf(chosen, n);
    }
    return out;
  }

  private boolean eligible(int i, int j, long[] queries, long[] positives, int[] chosen, int n) {
    if (positives[j] == positives[i]) {
      return false;
    }
    for (int c = 0; c < n; c++) {
      if (positives[chosen[c]] == positives[j]) {
        return false;
      }
    }
    return !(excludeKnown && context != null && context.isKnownPositive(queries[i], positives[j]));
  }
}
