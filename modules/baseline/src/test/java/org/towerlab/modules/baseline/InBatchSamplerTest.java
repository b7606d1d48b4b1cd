package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.testkit.SamplerContract;

class InBatchSamplerTest extends SamplerContract {
  @Override
  protected Sampler newSampler() {
    return new InBatchSampler(new InBatchSamplerConfig(true));
  }

  @Test
  void inBatch_reportsLogFrequencyOfEachPositive() {
    Negatives n = new InBatchSampler(new InBatchSamplerConfig(true)).sample(Counts.request(4, 0), Counts.context());
    assertThat(n.inBatch()).isTrue();
    assertThat(n.inBatchLogQ()[0]).isCloseTo((float) Math.log(0.6), within(1e-6f));
    assertThat(n.inBatchLogQ()[3]).isCloseTo((float) Math.log(1.0 / 104), within(1e-6f));
  }
}
