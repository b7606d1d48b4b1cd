package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrderedPairsTest {

  @Test
  void count_handExampleWithTies_referenceTiesLeftOutStageTiesHalf() {
    double[] reference = {3, 2, 2, 1};
    double[] stage = {0.9, 0.1, 0.5, 0.5};

    OrderedPairs.Counts c = OrderedPairs.count(reference, stage, 4);

    // (0,1) (0,2) (0,3) concordant; (1,2) tied by the reference: left out; (1,3) discordant
    // (0.1 < 0.5); (2,3) tied by the stage.
    assertThat(c).isEqualTo(new OrderedPairs.Counts(5, 3, 1, 1));
    assertThat(c.accuracy()).isCloseTo(3.5 / 5, within(1e-12));
  }

  @Test
  void count_nanScores_rankBelowEveryNumber() {
    OrderedPairs.Counts c = OrderedPairs.count(new double[] {2, 1, 0}, new double[] {Double.NaN, 0, Double.NaN}, 3);

    // NaN = -inf: (0,1) discordant, (0,2) tied by the stage, (1,2) concordant
    assertThat(c).isEqualTo(new OrderedPairs.Counts(3, 1, 1, 1));
  }

  @Test
  void count_noOrderedPair_accuracyNaN() {
    assertThat(OrderedPairs.count(new double[] {1, 1}, new double[] {0, 1}, 2).accuracy()).isNaN();
    assertThat(OrderedPairs.count(new double[0], new double[0], 0).ordered()).isZero();
  }

  @Test
  void count_randomWithManyTies_matchesAllPairsCount() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + rnd.nextInt(60);
      double[] x = new double[n + 3]; // longer arrays: only the first n entries count
      double[] y = new double[n + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextInt(5);
        y[i] = rnd.nextInt(4);
      }
      long ordered = 0;
      long concordant = 0;
      long discordant = 0;
      long tied = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (x[i] == x[j]) {
            continue;
          }
          ordered++;
          double sign = Math.signum(x[i] - x[j]) * Math.signum(y[i] - y[j]);
          if (sign > 0) {
            concordant++;
          } else if (sign < 0) {
            discordant++;
          } else {
            tied++;
          }
        }
      }
      assertThat(OrderedPairs.count(x, y, n)).as("trial %d", trial)
          .isEqualTo(new OrderedPairs.Counts(ordered, concordant, discordant, tied));
    }
  }
}
