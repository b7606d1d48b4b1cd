package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThreadGuardTest {
  @Test
  void observe_keepsTheTeamUntilTheWindowIsFull_thenFitsItToTheFreeCores() {
    ThreadGuard g = new ThreadGuard(2, 2);
    for (int i = 0; i < ThreadGuard.WINDOW - 1; i++) {
      assertThat(g.observe(3)).isEqualTo(2); // not a full window yet
    }
    assertThat(g.observe(3)).isEqualTo(1); // three runnable threads elsewhere on 2 cores: the team of one
    assertThat(g.observe(0)).isEqualTo(1);
    assertThat(g.observe(0)).isEqualTo(1); // median of (3, 3, 3, 0, 0)
    assertThat(g.observe(0)).isEqualTo(2); // median of (3, 3, 0, 0, 0): the other job left
  }

  @Test
  void observe_ignoresBlips() {
    ThreadGuard g = new ThreadGuard(2, 2);
    for (int i = 0; i < ThreadGuard.WINDOW; i++) {
      g.observe(0);
    }
    assertThat(g.observe(5)).isEqualTo(2);
    assertThat(g.observe(1)).isEqualTo(2); // two busy samples of five
    assertThat(g.observe(0)).isEqualTo(2);
  }

  @Test
  void observe_usesTheFreeCoresUpToTheConfiguredCount() {
    ThreadGuard g = new ThreadGuard(8, 6);
    for (int i = 0; i < ThreadGuard.WINDOW; i++) {
      g.observe(0);
    }
    assertThat(g.current()).isEqualTo(6); // never above the configured count
    for (int i = 0; i < ThreadGuard.WINDOW; i++) {
      g.observe(5);
    }
    assertThat(g.current()).isEqualTo(3);
    for (int i = 0; i < ThreadGuard.WINDOW; i++) {
      g.observe(40);
    }
    assertThat(g.current()).isEqualTo(1);
  }

  @Test
  void reset_forgetsTheSamples() {
    ThreadGuard g = new ThreadGuard(2, 2);
    for (int i = 0; i < ThreadGuard.WINDOW; i++) {
      g.observe(4);
    }
    assertThat(g.current()).isEqualTo(1);
    g.reset(2);
    assertThat(g.current()).isEqualTo(2);
    assertThat(g.observe(4)).isEqualTo(2);
  }

  @Test
  void aTeamOfOneStaysOne() {
    ThreadGuard g = new ThreadGuard(2, 1);
    for (int i = 0; i < 5; i++) {
      assertThat(g.observe(0)).isEqualTo(1);
    }
  }

  @Test
  void due_oncePerPeriod() {
    ThreadGuard g = new ThreadGuard(2, 2);
    long t = 1_000_000_000L;
    assertThat(g.due(t)).isTrue();
    assertThat(g.due(t + ThreadGuard.PERIOD_NANOS / 2)).isFalse();
    assertThat(g.due(t + ThreadGuard.PERIOD_NANOS)).isTrue();
  }

  @Test
  void runnable_readsTheStateAfterTheLastParenthesis() {
    assertThat(ThreadGuard.runnable("17 (java) R 1 17 0".getBytes(StandardCharsets.US_ASCII))).isTrue();
    assertThat(ThreadGuard.runnable("17 (a) R (b) S 1 17".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(ThreadGuard.runnable("17 (x) S 1".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(ThreadGuard.runnable("garbage".getBytes(StandardCharsets.US_ASCII))).isFalse();
  }

  @Test
  void othersRunnable_onLinuxIsACountNotBelowZero() throws Exception {
    if (!Files.isReadable(Path.of("/proc/loadavg"))) {
      return; // not Linux: EngineRuntime.prepare waits passively instead
    }
    assertThat(ThreadGuard.othersRunnable()).isGreaterThanOrEqualTo(0);
    assertThat(ThreadGuard.onlineCpus()).isGreaterThanOrEqualTo(1);
  }
}
