package org.towerlab.evaluators.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.junit.jupiter.api.Test;

class SignificanceTest {
  // Student's sleep data (Cushny & Peebles 1905), extra hours of sleep under two drugs, 10 patients.
  private static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  private static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

  @Test
  void pairedT_sleepData_matchesTextbook() {
    // R: t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p-value = 0.002833.
    TestResult r = Significance.pairedT(SLEEP_1, SLEEP_2);

    assertThat(r.statistic()).isCloseTo(-4.0621, within(1e-4));
    assertThat(r.pValue()).isCloseTo(0.002833, within(1e-6));
    assertThat(r.meanDifference()).isCloseTo(-1.58, within(1e-12));
    assertThat(r.n()).isEqualTo(10);
  }

  @Test
  void meanInterval_sleepDifferences_matchesTextbook() {
    // R: 95 percent confidence interval: -2.4598858 -0.7001142.
    double[] d = new double[10];
    for (int i = 0; i < 10; i++) {
      d[i] = SLEEP_1[i] - SLEEP_2[i];
    }
    MeanInterval ci = Significance.meanInterval(d);

    assertThat(ci.mean()).isCloseTo(-1.58, within(1e-12));
    assertThat(ci.lower()).isCloseTo(-2.4598858, within(1e-6));
    assertThat(ci.upper()).isCloseTo(-0.7001142, within(1e-6));
  }

  @Test
  void meanInterval_singleValue_nanBounds() {
    MeanInterval ci = Significance.meanInterval(new double[] {3});

    assertThat(ci.mean()).isEqualTo(3);
    assertThat(ci.lower()).isNaN();
  }

  @Test
  void pairedT_identicalRuns_pOne() {
    TestResult r = Significance.pairedT(new double[] {1, 2, 3}, new double[] {1, 2, 3});

    assertThat(r.pValue()).isEqualTo(1.0);
  }

  @Test
  void wilcoxon_rDocumentationExample_exactP() {
    // R ?wilcox.test, depression scores before (x) and after (y): V = 40, two-sided p = 2 * 10/512 = 0.0390625.
    double[] x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
    double[] y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
    TestResult r = Significance.wilcoxon(x, y);

    assertThat(r.test()).isEqualTo("wilcoxon-exact");
    assertThat(r.statistic()).isEqualTo(40.0);
    assertThat(r.pValue()).isCloseTo(0.0390625, within(1e-12));
  }

  @Test
  void wilcoxon_noTiesSmallSample_agreesWithCommonsMathExact() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int trial = 0; trial < 10; trial++) {
      int n = 5 + rnd.nextInt(20);
      double[] a = new double[n];
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = rnd.nextDouble() + 0.1;
        b[i] = rnd.nextDouble();
      }
      double expected = new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, true);

      assertThat(Significance.wilcoxon(a, b).pValue()).isCloseTo(Math.min(1, expected), within(1e-12));
    }
  }

  @Test
  void wilcoxon_tiesAndZeros_exactMatchesBruteForceEnumeration() {
    double[] d = {1, -1, 2, 2, 0, 3, -2, 3, 3, 0, 1, 4};
    double[] zeros = new double[d.length];
    TestResult r = Significance.wilcoxon(d, zeros);

    // Non-zero |d|: 1,1,2,2,2,3,3,3,4,1 -> average ranks: 1s -> 2, 2s -> 5, 3s -> 8, 4 -> 10.
    double[] ranks = {2, 2, 5, 5, 8, 5, 8, 8, 2, 10}; // in order of the non-zero d
    boolean[] positive = {true, false, true, true, true, false, true, true, true, true};
    double w = 0;
    for (int i = 0; i < ranks.length; i++) {
      w += positive[i] ? ranks[i] : 0;
    }
    long below = 0;
    long above = 0;
    for (int mask = 0; mask < 1 << ranks.length; mask++) {
      double s = 0;
      for (int i = 0; i < ranks.length; i++) {
        s += (mask >> i & 1) == 1 ? ranks[i] : 0;
      }
      below += s <= w ? 1 : 0;
      above += s >= w ? 1 : 0;
    }
    assertThat(r.n()).isEqualTo(10);
    assertThat(r.statistic()).isEqualTo(w); // 48
    assertThat(r.pValue()).isCloseTo(Math.min(1, 2.0 * Math.min(below, above) / 1024), within(1e-12));
  }

  @Test
  void wilcoxon_largeTiedSample_normalApproximationWithTieCorrection() {
    // d_i = (7i mod 13) - 4, i = 1..40: 3 zeros dropped, n = 37, W+ = 548.5, mean 351.5,
    // variance 37*38*75/24 - 1062/48 = 4371.625, z = (197 - 0.5) / 66.118 = 2.971947, p = 0.0029591747
    // (computed independently with erfc).
    double[] a = new double[40];
    for (int i = 1; i <= 40; i++) {
      a[i - 1] = (7 * i % 13) - 4;
    }
    TestResult r = Significance.wilcoxon(a, new double[40]);

    assertThat(r.test()).isEqualTo("wilcoxon-normal");
    assertThat(r.n()).isEqualTo(37);
    assertThat(r.statistic()).isEqualTo(548.5);
    assertThat(r.pValue()).isCloseTo(0.0029591747161443107, within(1e-9));
  }

  @Test
  void wilcoxon_allZeroDifferences_pOne() {
    TestResult r = Significance.wilcoxon(new double[] {0.2, 0.5}, new double[] {0.2, 0.5});

    assertThat(r.pValue()).isEqualTo(1.0);
    assertThat(r.n()).isZero();
  }

  @Test
  void holm_fourPValues_stepDownAdjusted() {
    // Sorted: .005*4 = .02, .01*3 = .03, .03*2 = .06, .04*1 = .04 -> max(.06, .04) = .06.
    double[] adjusted = Significance.holm(new double[] {0.01, 0.04, 0.03, 0.005});

    assertThat(adjusted).containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-12));
    assertThat(Significance.holmRejects(new double[] {0.01, 0.04, 0.03, 0.005}, 0.05))
        .containsExactly(true, false, false, true);
  }

  @Test
  void holm_largePValues_cappedAtOne() {
    assertThat(Significance.holm(new double[] {0.6, 0.7})).containsExactly(1.0, 1.0);
    assertThatThrownBy(() -> Significance.holm(new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }

  @Test
  void align_differentQuerySets_pairsCommonQueriesAscendingWithoutNaN() {
    PairedSample s = Significance.align(
        new long[] {3, 1, 2, 7}, new double[] {0.3, 0.1, 0.2, 0.7},
        new long[] {2, 3, 4, 7}, new double[] {20, 30, 40, Double.NaN});

    assertThat(s.queries()).containsExactly(2L, 3L);
    assertThat(s.a()).containsExactly(0.2, 0.3);
    assertThat(s.b()).containsExactly(20.0, 30.0);
    assertThat(s.dropped()).isEqualTo(4);
  }

  @Test
  void align_repeatedQuery_throws() {
    assertThatThrownBy(() -> Significance.align(new long[] {1, 1}, new double[2], new long[] {1}, new double[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query 1");
  }
}
