package org.towerlab.modules.baseline;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.Compatibility;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.Proposal;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * Negatives from the shown-but-not-engaged space: for each row, {@code K} items drawn uniformly,
 * with replacement, from its query's logged training rows that were shown and not engaged
 * ({@link SamplerContext#shownNegatives()}). Such items are real negatives of the query, unlike
 * corpus or in-batch items, which may be unlabelled positives; but they come only from what the
 * logging policy chose to show (sample-selection bias), so they are usually mixed with corpus
 * negatives ({@code mix}). A query with no such rows, or a draw that is a known positive of the
 * query, leaves its slot masked. The log probability of a draw is {@code log(c(q, j) / n_q)}, with
 * {@code c(q, j)} the number of the query's shown negatives holding item j and {@code n_q} their
 * count.
 */
public final class ExposureSampler implements Sampler, Proposal, Compatibility {
  private final int numNegatives;
  private final boolean logq;
  private volatile Map<Long, long[]> byQuery;
  /** c(q, j) keyed {@code q * numItems + j}: one lookup per probability (the mix asks B x B per step). */
  private Map<Long, Integer> counts;
  private long numItems;

  public ExposureSampler(ExposureSamplerConfig config) {
    this.numNegatives = config.numNegatives();
    this.logq = config.logq();
  }

  private void build(SamplerContext ctx) {
    if (byQuery == null) {
      buildOnce(ctx);
    }
  }

  private synchronized void buildOnce(SamplerContext ctx) {
    if (byQuery != null) {
      return;
    }
    InteractionLog neg = ctx.shownNegatives();
    Map<Long, Integer> size = new HashMap<>();
    for (int q : neg.queries()) {
      size.merge((long) q, 1, Integer::sum);
    }
    Map<Long, long[]> pools = new HashMap<>();
    numItems = ctx.numItems();
    counts = new HashMap<>();
    Map<Long, Integer> fill = new HashMap<>();
    for (int r = 0; r < neg.size(); r++) {
      long q = neg.queries()[r];
      long it = neg.items()[r];
      long[] items = pools.computeIfAbsent(q, x -> new long[size.get(x)]);
      items[fill.merge(q, 1, Integer::sum) - 1] = it;
      counts.merge(q * numItems + it, 1, Integer::sum);
    }
    byQuery = pools; // published last: a non-null byQuery means every field is built
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    build(ctx);
    SplittableRandom rng = request.rng();
    int b = request.batchSize();
    long[][] ids = new long[b][numNegatives];
    boolean[][] mask = new boolean[b][numNegatives];
    float[][] lq = logq ? new float[b][numNegatives] : null;
    // the positive is not corrected: it is never drawn from this proposal (q = 0), and a mixture
    // ("mix") corrects it with the mixture's density instead
    for (int r = 0; r < b; r++) {
      long q = request.queries()[r];
      long[] pool = byQuery.get(q);
      for (int j = 0; j < numNegatives; j++) {
        if (pool == null) {
          ids[r][j] = request.positives()[r];
          continue;
        }
        long it = pool[rng.nextInt(pool.length)];
        ids[r][j] = it;
        mask[r][j] = !ctx.isKnownPositive(q, it);
        if (logq) {
          lq[r][j] = (float) Math.log(probability(q, it, ctx));
        }
      }
    }
    return new Negatives(false, null, null, null, ids, lq, mask);
  }

  @Override
  public double probability(long query, long item, SamplerContext ctx) {
    build(ctx);
    Integer c = counts.get(query * numItems + item);
    return c == null ? 0 : c / (double) byQuery.get(query).length;
  }

  @Override
  public int draws(int batchSize) {
    return numNegatives;
  }

  @Override
  public String incompatibility(Parts parts) {
    if (parts.split() != null && !parts.split().hasLoggedNegatives()) {
      return "The exposure sampler draws negatives from logged rows that were shown and not engaged, but protocol '"
          + parts.split().protocol() + "' on data set '" + parts.split().dataset().name() + "' keeps none. Use a data"
          + " set with an exposure column (simulator, coat, open-bandit, csv with exposed:) or the ctr protocol, or"
          + " another sampler.";
    }
    return null;
  }
}
