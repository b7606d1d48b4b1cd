package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.sampling.ItemFrequency;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.SamplerContext;

/** The shown-but-not-engaged sampler and the mixture sampler's logQ. */
class ExposureAndMixSamplerTest {

  /**
   * Four items with training counts 60, 30, 10, 0; query 0 was shown items 1, 1, 2 without engaging,
   * query 1 was shown item 3 (a known positive of query 1 is item 0), query 2 nothing.
   */
  static SamplerContext context() {
    long[] counts = {60, 30, 10, 0};
    InteractionLog shown = new InteractionLog(new int[] {0, 0, 0, 1}, new int[] {1, 1, 2, 3}, new long[4],
        Map.of("positive", new float[4]), null, null, null);
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
        return query == 1 && item == 3;
      }

      public InteractionLog shownNegatives() {
        return shown;
      }

      public ItemIndex index() {
        return null;
      }
    };
  }

  private static SampleRequest request(long seed) {
    return new SampleRequest(new long[] {0, 1, 2}, new long[] {0, 0, 1}, 0, 0, new SplittableRandom(seed));
  }

  @Test
  void exposure_drawsOnlyTheQuerysShownNegatives_masksKnownPositivesAndEmptyQueries() {
    ExposureSampler s = new ExposureSampler(new ExposureSamplerConfig(1000, true));
    Negatives n = s.sample(request(1), context());

    int ones = 0;
    for (int j = 0; j < 1000; j++) {
      assertThat(n.perQuery()[0][j]).isIn(1L, 2L);
      assertThat(n.perQueryMask()[0][j]).isTrue();
      ones += n.perQuery()[0][j] == 1 ? 1 : 0;
      assertThat(n.perQueryMask()[1][j]).as("item 3 is a known positive of query 1").isFalse();
      assertThat(n.perQueryMask()[2][j]).as("query 2 was shown nothing").isFalse();
    }
    assertThat(ones / 1000.0).isCloseTo(2 / 3.0, within(0.05));
    assertThat(n.perQueryLogQ()[0][0]).isCloseTo((float) Math.log(n.perQuery()[0][0] == 1 ? 2 / 3.0 : 1 / 3.0),
        within(1e-6f));
    assertThat(n.inBatchLogQ()).as("the positive is never drawn from this proposal: not corrected").isNull();
  }

  @Test
  void exposure_sameRng_sameNegatives() {
    ExposureSampler s = new ExposureSampler(new ExposureSamplerConfig(8, true));
    assertThat(s.sample(request(5), context()).perQuery()).isEqualTo(s.sample(request(5), context()).perQuery());
  }

  @Test
  void mix_logQIsTheMixtureDensityPerRow() {
    InBatchSampler inBatch = new InBatchSampler(new InBatchSamplerConfig(true));
    ExposureSampler exposure = new ExposureSampler(new ExposureSamplerConfig(2, true));
    CorpusSampler uniform = new CorpusSampler(5, true, 0.0);
    MixSampler mix = new MixSampler(List.of(inBatch, exposure, uniform), true);
    SamplerContext ctx = context();

    Negatives n = mix.sample(request(3), ctx);

    assertThat(n.inBatch()).isTrue();
    assertThat(n.shared()).hasSize(5);
    assertThat(n.perQueryCount()).isEqualTo(2);
    // draws per row: in-batch 3, exposure 2, uniform 5 -> q(j|x) = (3 p(j) + 2 e(j|x) + 5 / 4) / 10
    double p1 = 0.30;
    double q0item1 = (3 * p1 + 2 * (2 / 3.0) + 5 * 0.25) / 10;
    double q1item1 = (3 * p1 + 2 * 0.0 + 5 * 0.25) / 10;
    // in-batch column 2 holds row 2's positive, item 1: its correction depends on the row's query
    assertThat(n.inBatchLogQByRow()[0][2]).isCloseTo((float) Math.log(q0item1), within(1e-5f));
    assertThat(n.inBatchLogQByRow()[1][2]).isCloseTo((float) Math.log(q1item1), within(1e-5f));
    // the positive of row 0 (item 0, never shown to query 0)
    double q0item0 = (3 * 0.60 + 5 * 0.25) / 10;
    assertThat(n.inBatchLogQ()[0]).isCloseTo((float) Math.log(q0item0), within(1e-5f));
  }

  @Test
  void mix_inBatchAndUniform_equalsTheMixedSampler() {
    MixSampler mix = new MixSampler(List.of(new InBatchSampler(new InBatchSamplerConfig(true)),
        new CorpusSampler(16, true, 0.0)), true);
    MixedSampler mixed = new MixedSampler(new MixedSamplerConfig(16, true));
    SamplerContext ctx = context();

    Negatives a = mix.sample(request(9), ctx);
    Negatives b = mixed.sample(request(9), ctx);

    for (int i = 0; i < 3; i++) {
      assertThat(a.inBatchLogQ()[i]).isCloseTo(b.inBatchLogQ()[i], within(1e-5f));
      for (int j = 0; j < 3; j++) {
        assertThat(a.inBatchLogQByRow()[i][j]).isCloseTo(b.inBatchLogQ()[j], within(1e-5f));
      }
    }
  }
}
