package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.testkit.SamplerContract;

class MixedSamplerTest extends SamplerContract {
  @Override
  protected Sampler newSampler() {
    return new MixedSampler(new MixedSamplerConfig(4, true));
  }

  @Test
  void mixed_usesTheMixtureProbabilityForBothSources() {
    MixedSampler s = new MixedSampler(new MixedSamplerConfig(4, true));
    Negatives n = s.sample(Counts.request(4, 3), Counts.context());
    assertThat(n.inBatch()).isTrue();
    assertThat(n.shared()).hasSize(4);
    // q(item 0) = (B p + M / N) / (B + M) = (4 * 0.6 + 4 / 4) / 8
    assertThat(n.inBatchLogQ()[0]).isCloseTo((float) Math.log((4 * 0.6 + 1.0) / 8), within(1e-6f));
  }
}
