package org.towerlab.modules.baseline;

import java.util.SplittableRandom;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * Draws negatives from the item corpus with probability proportional to {@code (count + 1)^alpha}
 * (alpha = 0 is uniform), with replacement, by binary search over the cumulative distribution
 * (built once, lazily, from the training frequencies). Reports {@code log q(item)} for logQ.
 *
 * <p>With {@code excludePositives} (per-query sets only) a draw that is a known training positive
 * of the row's query is redrawn, as RecBole's negative sampler does for BPR: the draws then follow
 * {@code q(i) / (1 - Q(P_u))} over the items outside the query's positives {@code P_u}. The reported
 * {@code log q} stays the corpus one; the two differ by {@code log(1 - Q(P_u))}, a constant per row,
 * which BPR and a softmax over the row's candidates do not see. A query whose draws keep hitting
 * its positives (more than {@value #MAX_REDRAWS} redraws, a query that likes almost the whole
 * corpus) keeps the last draw.
 */
public final class CorpusSampler implements Sampler, org.towerlab.api.sampling.Proposal {
  private final int numNegatives;
  private final boolean shared;
  private final double alpha;
  private final boolean excludePositives;
  static final int MAX_REDRAWS = 100;
  private volatile double[] cumulative;
  private float[] logQ;

  public CorpusSampler(int numNegatives, boolean shared, double alpha) {
    this(numNegatives, shared, alpha, false);
  }

  /**
   * @param excludePositives redraw a query's known training positives (per-query sets only)
   * @throws IllegalArgumentException when {@code excludePositives} is asked for a shared set
   */
  public CorpusSampler(int numNegatives, boolean shared, double alpha, boolean excludePositives) {
    if (shared && excludePositives) {
      throw new IllegalArgumentException("exclude-positives needs shared: false (a shared set is scored by every"
          + " query, so it cannot leave out each query's own positives)");
    }
    this.numNegatives = numNegatives;
    this.shared = shared;
    this.alpha = alpha;
    this.excludePositives = excludePositives;
  }

  private void build(SamplerContext ctx) {
    if (cumulative == null) {
      buildOnce(ctx);
    }
  }

  private synchronized void buildOnce(SamplerContext ctx) {
    if (cumulative != null) {
      return;
    }
    int n = ctx.numItems();
    double[] w = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      w[i] = alpha == 0 ? 1.0 : Math.pow(ctx.frequency().count(i) + 1.0, alpha);
      total += w[i];
    }
    double[] cum = new double[n];
    logQ = new float[n];
    double run = 0;
    for (int i = 0; i < n; i++) {
      run += w[i];
      cum[i] = run / total;
      logQ[i] = (float) Math.log(w[i] / total);
    }
    cum[n - 1] = 1.0;
    cumulative = cum; // published last: a non-null cumulative means logQ is built too
  }

  @Override
  public double probability(long query, long item, SamplerContext ctx) {
    return Math.exp(logQ(ctx, (int) item));
  }

  @Override
  public int draws(int batchSize) {
    return numNegatives;
  }

  /** Log probability of drawing {@code item} in one draw. */
  public float logQ(SamplerContext ctx, int item) {
    build(ctx);
    return logQ[item];
  }

  int draw(SplittableRandom rng) {
    double u = rng.nextDouble();
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    build(ctx);
    SplittableRandom rng = request.rng();
    // log q of each row's positive under the same distribution, so that the correction applies to
    // every candidate of the softmax (the positive too), as in sampled softmax (Jean et al. 2015)
    float[] posLogQ = new float[request.batchSize()];
    for (int i = 0; i < posLogQ.length; i++) {
      posLogQ[i] = logQ[(int) request.positives()[i]];
    }
    if (shared) {
      long[] ids = new long[numNegatives];
      float[] lq = new float[numNegatives];
      for (int j = 0; j < numNegatives; j++) {
        int item = draw(rng);
        ids[j] = item;
        lq[j] = logQ[item];
      }
      return new Negatives(false, posLogQ, ids, lq, null, null, null);
    }
    int b = request.batchSize();
    long[][] ids = new long[b][numNegatives];
    float[][] lq = new float[b][numNegatives];
    for (int r = 0; r < b; r++) {
      long q = request.queries()[r];
      for (int j = 0; j < numNegatives; j++) {
        int item = draw(rng);
        for (int k = 0; excludePositives && k < MAX_REDRAWS && ctx.isKnownPositive(q, item); k++) {
          item = draw(rng);
        }
        ids[r][j] = item;
        lq[r][j] = logQ[item];
      }
    }
    return new Negatives(false, posLogQ, null, null, ids, lq, null);
  }
}
