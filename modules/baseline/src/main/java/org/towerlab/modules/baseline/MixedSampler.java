package org.towerlab.modules.baseline;

import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/**
 * Mixed negative sampling (Yang et al., "Mixed Negative Sampling for Learning Two-tower Neural
 * Networks in Recommendations", WWW 2020): the batch's other positives (unigram-distributed) plus
 * {@code M} items drawn uniformly from the corpus and shared by the batch. Every candidate's
 * sampling probability is the mixture's, {@code q(j) = (B p(j) + M / N) / (B + M)}, for in-batch and
 * corpus columns alike, so the logQ correction treats both sources consistently.
 */
public final class MixedSampler implements Sampler {
  private final int numNegatives;
  private final boolean logq;
  private final CorpusSampler uniform;

  public MixedSampler(MixedSamplerConfig config) {
    this.numNegatives = config.numNegatives();
    this.logq = config.logq();
    this.uniform = new CorpusSampler(config.numNegatives(), true, 0.0);
  }

  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    Negatives corpus = uniform.sample(request, ctx);
    if (!logq) {
      return new Negatives(true, null, corpus.shared(), null, null, null, null);
    }
    int b = request.batchSize();
    int n = ctx.numItems();
    float[] inBatch = new float[b];
    for (int i = 0; i < b; i++) {
      inBatch[i] = mixtureLogQ(ctx.frequency().probability((int) request.positives()[i]), b, n);
    }
    float[] shared = new float[corpus.shared().length];
    for (int j = 0; j < shared.length; j++) {
      shared[j] = mixtureLogQ(ctx.frequency().probability((int) corpus.shared()[j]), b, n);
    }
    return new Negatives(true, inBatch, corpus.shared(), shared, null, null, null);
  }

  private float mixtureLogQ(double p, int b, int n) {
    return (float) Math.log((b * p + numNegatives / (double) n) / (b + numNegatives));
  }
}
