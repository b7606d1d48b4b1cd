package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.SamplerContext;
import org.towerlab.modules.baseline.CorpusSampler;
import org.towerlab.modules.baseline.ExposureSampler;
import org.towerlab.modules.baseline.ExposureSamplerConfig;
import org.towerlab.modules.baseline.InBatchSampler;
import org.towerlab.modules.baseline.InBatchSamplerConfig;
import org.towerlab.modules.baseline.MixSampler;
import org.towerlab.trainers.TrainingSamplerContext;

/**
 * The negatives against sample-selection bias on related-item data: in-batch (popularity), the
 * shown-but-not-engaged pairs ({@code exposure}) and uniform corpus items, mixed by the baseline's
 * {@code mix} sampler, whose logQ must be the log of the mixture's density for every column and
 * every row's positive.
 */
class MixedNegativesTest {

  @Test
  void sample_inBatchExposureUniform_logQIsTheMixtureDensity() {
    Split split = new RelatedTemporal(new RelatedTemporalConfig(0.5, 0.75, null, null, null, null, null)).split(
        new CoEngagement(RelatedFixtures.config(2, true, "shown", null, null),
            RelatedFixtures.source(RelatedFixtures.users()), "$.data").load(), new Seeds(1));
    // train positives (0,1) (1,0) (4,5) (5,4); shown, not engaged: (0,2) (1,2)
    SamplerContext ctx = new TrainingSamplerContext(split, null, null);
    MixSampler mix = new MixSampler(List.of(new InBatchSampler(new InBatchSamplerConfig(true)),
        new ExposureSampler(new ExposureSamplerConfig(2, true)), new CorpusSampler(3, true, 0.0)), true);

    long[] queries = {0, 4};
    long[] positives = {1, 5};
    Negatives n = mix.sample(new SampleRequest(queries, positives, 0, 0, new SplittableRandom(3)), ctx);

    // draws per row: 2 in-batch, 2 exposure, 3 uniform = 7
    // in-batch f(j) = count / 4 for items 0 1 4 5, floor 1 / (4 + 6) = 0.1 for 2 and 3
    // exposure e(q, j): query 0 was shown item 2 only -> e(0, 2) = 1; query 4 nothing
    // uniform 1/6
    double[] f = {0.25, 0.25, 0.1, 0.1, 0.25, 0.25};
    double[][] e = new double[6][6];
    e[0][2] = 1;
    java.util.function.BiFunction<Long, Long, Double> q = (query, item) ->
        Math.log((2 * f[item.intValue()] + 2 * e[query.intValue()][item.intValue()] + 3.0 / 6) / 7);
    for (int i = 0; i < 2; i++) {
      assertThat((double) n.inBatchLogQ()[i]).isCloseTo(q.apply(queries[i], positives[i]), within(1e-6));
      for (int j = 0; j < 2; j++) {
        assertThat((double) n.inBatchLogQByRow()[i][j]).isCloseTo(q.apply(queries[i], positives[j]), within(1e-6));
      }
      for (int j = 0; j < n.shared().length; j++) {
        assertThat((double) n.sharedLogQByRow()[i][j]).isCloseTo(q.apply(queries[i], n.shared()[j]), within(1e-6));
      }
    }
    // row 0 draws its exposure negatives from its one shown item; row 1 has none: masked
    assertThat(n.perQuery()[0]).containsExactly(2, 2);
    assertThat(n.perQueryMask()[0]).containsExactly(true, true);
    assertThat((double) n.perQueryLogQ()[0][0]).isCloseTo(Math.log((2 * 0.1 + 2 * 1 + 0.5) / 7), within(1e-6));
    assertThat(n.perQueryMask()[1]).containsExactly(false, false);
    assertThat(n.shared()).hasSize(3);
    // the exposure part makes the density depend on the query: item 2 is corrected differently per row
    assertThat(q.apply(0L, 2L)).isNotCloseTo(q.apply(4L, 2L), within(1e-3));
  }
}
