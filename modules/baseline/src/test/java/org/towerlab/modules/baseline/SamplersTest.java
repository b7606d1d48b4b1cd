package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.sampling.ItemFrequency;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.SamplerContext;

class SamplersTest {

  /** Four items with training counts 60, 30, 10, 0. */
  static SamplerContext context() {
    long[] counts = {60, 30, 10, 0};
    return new SamplerContext() {
      public Split split() {
        return null;
      }

      public int numItems() {
        return 4;
      }

      public ItemFrequency frequency() {
        return new ItemFrequency() {
          public long count(int item) {
            return counts[item];
          }

          public long total() {
            return 100;
          }

          public double probability(int item) {
            return Math.max(counts[item] / 100.0, 1.0 / 104);
          }
        };
      }

      public boolean isKnownPositive(long query, long item) {
        return false;
      }

      public InteractionLog shownNegatives() {
        return null;
      }

      public ItemIndex index() {
        return null;
      }
    };
  }

  private static SampleRequest request(int b, long seed) {
    long[] q = new long[b];
    long[] p = new long[b];
    for (int i = 0; i < b; i++) {
      q[i] = i;
      p[i] = i % 4;
    }
    return new SampleRequest(q, p, 0, 0, new SplittableRandom(seed));
  }

  @Test
  void popularity_drawsInProportionToCountPowerAlpha() {
    CorpusSampler s = new CorpusSampler(200_000, true, 1.0);
    Negatives n = s.sample(request(2, 1), context());
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
    Negatives n = s.sample(request(3, 2), context());
    assertThat(n.perQuery()).hasDimensions(3, 5);
    for (float[] row : n.perQueryLogQ()) {
      for (float v : row) {
        assertThat(v).isCloseTo((float) Math.log(0.25), within(1e-6f));
      }
    }
  }

  @Test
  void sampling_isDeterministicForTheSameSeed() {
    CorpusSampler s = new CorpusSampler(50, true, 0.75);
    assertThat(s.sample(request(2, 7), context()).shared()).isEqualTo(s.sample(request(2, 7), context()).shared());
  }

  @Test
  void inBatch_reportsLogFrequencyOfEachPositive() {
    Negatives n = new InBatchSampler(new InBatchSamplerConfig(true)).sample(request(4, 0), context());
    assertThat(n.inBatch()).isTrue();
    assertThat(n.inBatchLogQ()[0]).isCloseTo((float) Math.log(0.6), within(1e-6f));
    assertThat(n.inBatchLogQ()[3]).isCloseTo((float) Math.log(1.0 / 104), within(1e-6f));
  }

  @Test
  void mixed_usesTheMixtureProbabilityForBothSources() {
    MixedSampler s = new MixedSampler(new MixedSamplerConfig(4, true));
    Negatives n = s.sample(request(4, 3), context());
    assertThat(n.inBatch()).isTrue();
    assertThat(n.shared()).hasSize(4);
    // q(item 0) = (B p + M / N) / (B + M) = (4 * 0.6 + 4 / 4) / 8
    assertThat(n.inBatchLogQ()[0]).isCloseTo((float) Math.log((4 * 0.6 + 1.0) / 8), within(1e-6f));
  }
}
