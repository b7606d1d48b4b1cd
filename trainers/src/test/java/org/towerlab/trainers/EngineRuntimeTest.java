package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.towerlab.api.config.RuntimeConfig;

class EngineRuntimeTest {

  @Test
  void apply_threads_setsTheEnginesIntraOpThreads() {
    int before = EngineRuntime.threads();
    try {
      EngineRuntime.apply(new RuntimeConfig(1));
      assertThat(EngineRuntime.threads()).isEqualTo(1);
      EngineRuntime.setThreads(2);
      assertThat(EngineRuntime.threads()).isEqualTo(2);
    } finally {
      EngineRuntime.setThreads(before);
    }
  }

  @Test
  void setThreads_zero_refused() {
    assertThatThrownBy(() -> EngineRuntime.setThreads(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }

  @Test
  void prepare_spinsWithAnAdaptiveTeamOrWaitsPassively() {
    // surefire sets neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT: on Linux with every core visible the
    // team adapts (libgomp keeps spinning); elsewhere prepare sets PASSIVE
    String described = EngineRuntime.prepare();
    assertThat(described).isEqualTo(EngineRuntime.waitDescription());
    if (EngineRuntime.adaptive()) {
      assertThat(System.getenv("OMP_WAIT_POLICY")).isNull();
      assertThat(described).startsWith("adaptive");
    } else if (System.getenv("OMP_WAIT_POLICY") == null) {
      assertThat(EngineRuntime.waitPolicy()).isEqualTo("PASSIVE");
    }
  }

  @Test
  void adapt_returnsTheTeamSizeInUse() {
    int before = EngineRuntime.threads();
    try {
      EngineRuntime.prepare();
      EngineRuntime.setThreads(1);
      int used = EngineRuntime.adapt();
      assertThat(used).isEqualTo(-1); // a team of one is never resized (and without adapting: -1 too)
      assertThat(EngineRuntime.threads()).isEqualTo(1);
    } finally {
      EngineRuntime.setThreads(before);
    }
  }
}
