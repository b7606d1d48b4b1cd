package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.SamplerContract;

/** The {@code uniform} and {@code popularity} samplers: contracts for each configuration, then hand checks. */
class CorpusSamplerTest {

  @Nested
  class UniformShared extends SamplerContract {
    @Override
    protected Sampler newSampler() {
      return new CorpusSampler(7, true, 0.0);
    }
  }

  @Nested
  class UniformPerQuery extends SamplerContract {
    @Override
    protected Sampler newSampler() {
      return new CorpusSampler(3, false, 0.0);
    }
  }

  @Nested
  class UniformPerQueryExcludingPositives extends SamplerContract {
    @Override
    protected Sampler newSampler() {
      return new CorpusSampler(3, false, 0.0, true);
    }

    @Override
    protected boolean excludesKnownPositives() {
      return true;
    }
  }

  @Nested
  class PopularityPerQuery extends SamplerContract {
    @Override
    protected Sampler newSampler() {
      return new CorpusSampler(3, false, 0.75);
    }
  }

  @Test
  void popularity_drawsInProportionToCountPowerAlpha() {
    CorpusSampler s = new CorpusSampler(200_000, true, 1.0);
    Negatives n = s.sample(Counts.request(2, 1), Counts.context());
    int[] hist = new int[4];
    for (long id : n.shared()) {
      hist[(int) id]++;
    }
    // weights (count + 1)^1 = 61, 31, 11, 1 over 104
    assertThat(hist[0] / 200_000.0).isCloseTo(61 / 104.0, within(0.005));
    assertThat(hist[3] / 200_000.0).isCloseTo(1 / 104.0, within(0.002));
    assertThat(n.sharedLogQ()[0]).isCloseTo((float) Math.log(pickedWeight(n.shared()[0]) / 104.0), within(1e-6f));
  }

  private static double pickedWeight(long id) {
    return new double[] {61, 31, 11, 1}[(int) id];
  }

  @Test
  void uniform_perQuery_hasOneSetPerRowAndConstantLogq() {
    CorpusSampler s = new CorpusSampler(5, false, 0.0);
    Negatives n = s.sample(Counts.request(3, 2), Counts.context());
    assertThat(n.perQuery()).hasDimensions(3, 5);
    for (float[] row : n.perQueryLogQ()) {
      for (float v : row) {
        assertThat(v).isCloseTo((float) Math.log(0.25), within(1e-6f));
      }
    }
  }

  @Test
  void sample_excludePositives_drawsOnlyTheQuerysNonPositives() {
    // query 0 liked items 0, 1 and 2: its only admissible negative is item 3; query 1 liked nothing
    FakeSamplerContext ctx = FakeSamplerContext.of(new long[] {60, 30, 10, 0},
        Set.of(FakeSamplerContext.pair(0, 0), FakeSamplerContext.pair(0, 1), FakeSamplerContext.pair(0, 2)), null);
    CorpusSampler s = new CorpusSampler(50, false, 0.0, true);
    Negatives n = s.sample(Counts.request(2, 3), ctx);
    assertThat(n.perQuery()[0]).containsOnly(3L);
    assertThat(n.perQuery()[1]).contains(0L, 1L, 2L);
  }

  @Test
  void sample_withoutExcludePositives_drawsTheQuerysPositivesToo() {
    FakeSamplerContext ctx = FakeSamplerContext.of(new long[] {60, 30, 10, 0},
        Set.of(FakeSamplerContext.pair(0, 0), FakeSamplerContext.pair(0, 1), FakeSamplerContext.pair(0, 2)), null);
    Negatives n = new CorpusSampler(50, false, 0.0).sample(Counts.request(1, 3), ctx);
    assertThat(n.perQuery()[0]).contains(0L, 1L, 2L);
  }

  @Test
  void config_excludePositivesWithSharedSet_isRefused() {
    assertThatThrownBy(() -> new UniformSamplerConfig(1, true, true)).hasMessageContaining("shared: false");
    assertThatThrownBy(() -> new PopularitySamplerConfig(1, null, null, true)).hasMessageContaining("shared: false");
    assertThat(new UniformSamplerConfig(1, false, true).excludePositives()).isTrue();
    assertThat(new UniformSamplerConfig(null, null, null).excludePositives()).isFalse();
  }

  @Test
  void sampling_isDeterministicForTheSameSeed() {
    CorpusSampler s = new CorpusSampler(50, true, 0.75);
    assertThat(s.sample(Counts.request(2, 7), Counts.context()).shared())
        .isEqualTo(s.sample(Counts.request(2, 7), Counts.context()).shared());
  }
}
