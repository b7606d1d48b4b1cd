package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OffPolicyEstimateTest {

  @Test
  void of_handLog_ipsSnipsIntervalsAndEss() {
    double[] w = {2, 4, 0, 4, 0, 5};
    double[] r = {1, 0, 1, 1, 1, 0};

    OffPolicyEstimate e = OffPolicyEstimate.of(w, r, 0.95);

    // IPS = (2 + 4) / 6 = 1; w r = [2, 0, 0, 4, 0, 0]: squared deviations 1+1+1+9+1+1 = 14, s^2 = 14/5.
    double z = 1.959963984540054;
    assertThat(e.ips()).isCloseTo(1.0, within(1e-12));
    assertThat(e.ipsUpper() - e.ips()).isCloseTo(z * Math.sqrt(14.0 / 5 / 6), within(1e-9));
    assertThat(e.ips() - e.ipsLower()).isCloseTo(z * Math.sqrt(14.0 / 5 / 6), within(1e-9));
    // SNIPS = 6 / 15; V = (4 * 0.36 + 16 * 0.16 + 16 * 0.36 + 25 * 0.16) / 15^2 = 13.76 / 225.
    assertThat(e.snips()).isCloseTo(0.4, within(1e-12));
    assertThat(e.snipsUpper() - e.snips()).isCloseTo(z * Math.sqrt(13.76) / 15, within(1e-9));
    // ESS = 15^2 / (4 + 16 + 16 + 25).
    assertThat(e.ess()).isCloseTo(225.0 / 61, within(1e-12));
  }

  @Test
  void of_levelNinety_narrowerInterval() {
    double[] w = {2, 4, 0, 4, 0, 5};
    double[] r = {1, 0, 1, 1, 1, 0};

    OffPolicyEstimate e = OffPolicyEstimate.of(w, r, 0.90);

    assertThat(e.ipsUpper() - e.ips()).isCloseTo(1.6448536269514722 * Math.sqrt(14.0 / 5 / 6), within(1e-9));
  }

  @Test
  void of_noWeight_snipsUndefinedEssZeroIpsZero() {
    OffPolicyEstimate e = OffPolicyEstimate.of(new double[] {0, 0, 0}, new double[] {1, 0, 1}, 0.95);

    assertThat(e.ips()).isEqualTo(0.0);
    assertThat(e.snips()).isNaN();
    assertThat(e.snipsLower()).isNaN();
    assertThat(e.ess()).isEqualTo(0.0);
  }

  @Test
  void of_oneRow_intervalsUndefined() {
    OffPolicyEstimate e = OffPolicyEstimate.of(new double[] {3}, new double[] {1}, 0.95);

    assertThat(e.ips()).isEqualTo(3.0);
    assertThat(e.snips()).isEqualTo(1.0);
    assertThat(e.ipsLower()).isNaN();
    assertThat(e.snipsUpper()).isNaN();
  }
}
