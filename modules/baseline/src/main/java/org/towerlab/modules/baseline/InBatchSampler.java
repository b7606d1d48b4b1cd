package org.towerlab.modules.baseline;

import org.towerlab.api.sampling.ItemFrequency;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * In-batch negatives: each query's negatives are the other queries' positives. Items enter a batch
 * in proportion to their training frequency, so popular items are over-sampled as negatives; the
 * log of that frequency is reported for the logQ correction.
 */
public final class InBatchSampler implements Sampler, org.towerlab.api.sampling.Proposal {
  private final boolean logq;

  public InBatchSampler(InBatchSamplerConfig config) {
    this.logq = config.logq();
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    return Negatives.inBatch(logq ? logFrequency(request.positives(), ctx.frequency()) : null);
  }

  /** An in-batch column holds item j with its training frequency. */
  @Override
  public double probability(long query, long item, SamplerContext ctx) {
    return ctx.frequency().probability((int) item);
  }

  @Override
  public int draws(int batchSize) {
    return batchSize;
  }

  static float[] logFrequency(long[] items, ItemFrequency freq) {
    float[] out = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = (float) Math.log(freq.probability((int) items[i]));
    }
    return out;
  }
}
