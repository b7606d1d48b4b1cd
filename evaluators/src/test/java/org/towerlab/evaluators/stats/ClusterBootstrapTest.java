package org.towerlab.evaluators.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClusterBootstrapTest {
  @Test
  void replicates_sameStream_sameValuesAndPairedTablesShareDraws() {
    double[][] x = {{1, 2, 3, 4}, {2, 3, 4, 5}, {0, 1, 1, 0}};
    double[][] twice = new double[3][4];
    for (int s = 0; s < 3; s++) {
      for (int u = 0; u < 4; u++) {
        twice[s][u] = 2 * x[s][u];
      }
    }
    double[][] r1 = ClusterBootstrap.replicates(new double[][][] {x, twice}, 50, new SplittableRandom(3));
    double[][] r2 = ClusterBootstrap.replicates(new double[][][] {x, twice}, 50, new SplittableRandom(3));
    assertThat(r1[0]).containsExactly(r2[0]);
    for (int b = 0; b < 50; b++) {
      assertThat(r1[1][b]).isCloseTo(2 * r1[0][b], within(1e-12));
    }
  }

  @Test
  void replicates_onlySeedEffects_varyWithTheSeedDrawsOnly() {
    // every user has the same value within a seed: a resample's mean is the mean of the drawn seeds
    double[][] x = {{1, 1, 1}, {2, 2, 2}};
    double[] r = ClusterBootstrap.replicates(new double[][][] {x}, 200, new SplittableRandom(1))[0];
    for (double v : r) {
      assertThat(v).isIn(1.0, 1.5, 2.0);
    }
    double mean = java.util.Arrays.stream(r).average().orElseThrow();
    assertThat(mean).isCloseTo(1.5, within(0.1));
  }

  @Test
  void quantile_type7_interpolates() {
    double[] sorted = {1, 2, 3, 4, 5};
    assertThat(ClusterBootstrap.quantile(sorted, 0.5)).isEqualTo(3);
    assertThat(ClusterBootstrap.quantile(sorted, 0.1)).isCloseTo(1.4, within(1e-12));
    assertThat(ClusterBootstrap.quantile(sorted, 1)).isEqualTo(5);
  }
}
