package org.towerlab.api.testkit;

import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/** A reference sampler: the batch's other positives, no logQ (the trainer masks accidental hits). */
public final class KitInBatchSampler implements Sampler {
  @Override
  public Negatives sample(SampleRequest request, SamplerContext ctx) {
    return Negatives.inBatch(null);
  }
}
