package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PointwiseMetricsTest {

  @Test
  void auc_constantScores_half() {
    double[] s = {0.3, 0.3, 0.3, 0.3, 0.3};
    boolean[] y = {true, false, true, false, false};

    assertThat(PointwiseMetrics.auc(s, y, null)).isEqualTo(0.5);
  }

  @Test
  void auc_perfectAndReversedScores_oneAndZero() {
    double[] s = {0.9, 0.1, 0.8, -2, 0.2};
    boolean[] y = {true, false, true, false, false};
    double[] reversed = {-0.9, -0.1, -0.8, 2, -0.2};

    assertThat(PointwiseMetrics.auc(s, y, null)).isEqualTo(1.0);
    assertThat(PointwiseMetrics.auc(reversed, y, null)).isEqualTo(0.0);
  }

  @Test
  void auc_singleClass_nan() {
    assertThat(PointwiseMetrics.auc(new double[] {1, 2}, new boolean[] {true, true}, null)).isNaN();
  }

  @Test
  void auc_randomTiedScores_equalsBrutePairCount() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 2 + rnd.nextInt(300);
      double[] s = new double[n];
      boolean[] y = new boolean[n];
      for (int i = 0; i < n; i++) {
        s[i] = rnd.nextInt(7); // coarse: many ties
        y[i] = rnd.nextDouble() < 0.3;
      }
      y[0] = true;
      y[1] = false;
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (y[i] && !y[j]) {
            pairs++;
            wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          }
        }
      }

      assertThat(PointwiseMetrics.auc(s, y, null)).isCloseTo(wins / pairs, within(1e-12));
    }
  }

  @Test
  void logLoss_zeroScoresAndSaturatedScore_lnTwoAndClipped() {
    // p = 0.5 -> ln 2 = 0.693147; score 100 with label 0 -> p clipped to 1 - 1e-7 -> -ln(1e-7) = 16.118096.
    assertThat(PointwiseMetrics.logLoss(new double[] {0, 0}, new boolean[] {true, false}, null))
        .isCloseTo(Math.log(2), within(1e-12));
    assertThat(PointwiseMetrics.logLoss(new double[] {0, 100}, new boolean[] {true, false}, null))
        .isCloseTo((0.693147 + 16.118096) / 2, within(1e-5));
  }

  @Test
  void sigmoid_largeNegative_noOverflow() {
    assertThat(PointwiseMetrics.sigmoid(-1000)).isEqualTo(0.0);
    assertThat(PointwiseMetrics.sigmoid(2)).isCloseTo(0.880797, within(1e-6));
  }
}
