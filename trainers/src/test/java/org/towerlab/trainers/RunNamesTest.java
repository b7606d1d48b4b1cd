package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunNamesTest {

  @Test
  void axes_gridRunName_pathsAndLabelsInOrder() {
    assertThat(RunNames.axes("ml-100k-compare[variant=dat,seed=1]")).containsExactly(
        java.util.Map.entry("variant", "dat"), java.util.Map.entry("seed", "1"));
    assertThat(RunNames.axes("g[evaluators.0.ks=[10,20],seed=2]")).containsEntry("evaluators.0.ks", "[10,20]")
        .containsEntry("seed", "2");
    assertThat(RunNames.axes("quickstart")).isEmpty();
  }

  @Test
  void shortName_variantSeedTypeAndNumber_readableInATable() {
    assertThat(RunNames.shortName("ml-100k-compare-wave1[variant=dat,seed=1]")).isEqualTo("dat s1");
    assertThat(RunNames.shortName("quickstart[model=most-popular]")).isEqualTo("most-popular");
    assertThat(RunNames.shortName("t[model.interaction.temperature=0.1,seed=2]")).isEqualTo("temperature=0.1 s2");
    assertThat(RunNames.shortName("quickstart")).isEqualTo("quickstart");
  }

  @Test
  void method_withoutSeed_groupsSeedsOfOneMethod() {
    assertThat(RunNames.method("c[variant=dat,seed=1]")).isEqualTo("dat");
    assertThat(RunNames.method("c[variant=dat,seed=2]")).isEqualTo("dat");
    assertThat(RunNames.method("c[seed=2]")).isEqualTo("c");
    assertThat(RunNames.method("c")).isEqualTo("c");
  }
}
