package org.towerlab.evaluators.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeedUserSampleTest {
  @Test
  void of_usersMissingOrNaNInSomeRun_keptOnlyWhenCompleteOnCommonSeeds() {
    TreeMap<Integer, SeedUserSample.Values> a = new TreeMap<>();
    TreeMap<Integer, SeedUserSample.Values> b = new TreeMap<>();
    a.put(1, new SeedUserSample.Values(new long[] {3, 1, 2}, new double[] {0.3, 0.1, 0.2}));
    a.put(2, new SeedUserSample.Values(new long[] {1, 2, 3}, new double[] {0.4, Double.NaN, 0.6}));
    a.put(9, new SeedUserSample.Values(new long[] {1}, new double[] {1})); // no baseline run: ignored
    b.put(1, new SeedUserSample.Values(new long[] {1, 2, 3, 4}, new double[] {0, 0, 0, 0}));
    b.put(2, new SeedUserSample.Values(new long[] {1, 2, 3}, new double[] {0.1, 0.1, 0.1}));

    SeedUserSample s = SeedUserSample.of(a, b);

    assertThat(s.seeds()).containsExactly(1, 2);
    assertThat(s.users()).containsExactly(1, 3); // 2 is NaN under seed 2, 4 only in the baseline
    assertThat(s.droppedUsers()).isEqualTo(2);
    assertThat(s.method()[0]).containsExactly(0.1, 0.3);
    assertThat(s.differences()[1]).containsExactly(0.4 - 0.1, 0.6 - 0.1);
    assertThat(SeedUserSample.seedMeans(s.method())).containsExactly(0.2, 0.5);
  }

  @Test
  void of_repeatedQuery_rejectedNamingIt() {
    TreeMap<Integer, SeedUserSample.Values> a = new TreeMap<>();
    a.put(1, new SeedUserSample.Values(new long[] {5, 5}, new double[] {0.1, 0.2}));
    assertThatThrownBy(() -> SeedUserSample.of(a, a)).hasMessageContaining("query 5").hasMessageContaining("seed 1");
  }
}
