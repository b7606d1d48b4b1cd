package org.towerlab.api.testkit;

import org.towerlab.api.sampling.Sampler;

class KitInBatchSamplerTest extends SamplerContract {
  @Override
  protected Sampler newSampler() {
    return new KitInBatchSampler();
  }
}
