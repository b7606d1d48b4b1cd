package org.towerlab.evaluators.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CrossedVarianceTest {
  @Test
  void of_userEffectsAndResidual_handComputed() {
    // seed means 3, 3; user means 2, 2, 5; grand mean 3; residuals -1 0 1 / 1 0 -1
    CrossedVariance v = CrossedVariance.of(new double[][] {{1, 2, 6}, {3, 2, 4}});
    assertThat(v.mean()).isCloseTo(3, within(1e-12));
    assertThat(v.msUsers()).isCloseTo(6, within(1e-12)); // 2 * (1 + 1 + 4) / 2
    assertThat(v.msSeeds()).isCloseTo(0, within(1e-12));
    assertThat(v.msResidual()).isCloseTo(2, within(1e-12)); // 4 / (1 * 2)
    // var(a) = (6 - 2) / 2 = 2, var(b) = 0, var(e) = 2: V = 2/3 + 0 + 2/6 = 1 = MS_users / (SU)
    assertThat(v.variance()).isCloseTo(1, within(1e-12));
    assertThat(v.df()).isCloseTo(2, within(1e-12)); // only MS_users enters: its df, U - 1
  }

  @Test
  void of_additiveUserAndSeedEffects_quasiFVarianceAndSatterthwaiteDf() {
    // seed 2 = seed 1 + 3: MS_users = 2 * 14 / 2 = 14, MS_seeds = 3 * 4.5 = 13.5, MS_res = 0
    CrossedVariance v = CrossedVariance.of(new double[][] {{1, 2, 6}, {4, 5, 9}});
    assertThat(v.msUsers()).isCloseTo(14, within(1e-12));
    assertThat(v.msSeeds()).isCloseTo(13.5, within(1e-12));
    assertThat(v.msResidual()).isCloseTo(0, within(1e-12));
    double var = (14 + 13.5) / 6;
    assertThat(v.variance()).isCloseTo(var, within(1e-12));
    // Satterthwaite: V^2 / ((14/6)^2 / 2 + (13.5/6)^2 / 1)
    assertThat(v.df()).isCloseTo(var * var / (Math.pow(14 / 6.0, 2) / 2 + Math.pow(13.5 / 6, 2)), within(1e-12));
    assertThat(v.se()).isCloseTo(Math.sqrt(var), within(1e-12));
  }

  @Test
  void of_constantTable_zeroVarianceNaNDf() {
    CrossedVariance v = CrossedVariance.of(new double[][] {{0.1, 0.1}, {0.1, 0.1}});
    assertThat(v.variance()).isZero();
    assertThat(v.df()).isNaN();
  }

  @Test
  void of_oneSeedOrRagged_rejected() {
    assertThatThrownBy(() -> CrossedVariance.of(new double[][] {{1, 2}})).hasMessageContaining("2 seeds, got 1");
    assertThatThrownBy(() -> CrossedVariance.of(new double[][] {{1, 2}, {1}})).hasMessageContaining("row 1");
  }
}
