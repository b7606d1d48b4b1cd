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
  void prepare_leavesAPolicyInTheEnvironment() {
    // surefire does not set OMP_WAIT_POLICY: prepare sets PASSIVE (or keeps what the caller set)
    String policy = EngineRuntime.prepare();
    assertThat(policy).isNotBlank();
    assertThat(EngineRuntime.waitPolicy()).isEqualTo(policy);
  }
}
