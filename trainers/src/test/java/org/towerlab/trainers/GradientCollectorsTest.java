package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GradientCollectorsTest {

  @Test
  void open_whileAnotherThreadHoldsOne_waitsForItAndThenCollectsGradients() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Float> gradient = new AtomicReference<>();
    AtomicReference<Boolean> openedWhileHeld = new AtomicReference<>(false);
    boolean[] held = {true};
    Thread second;
    try (GradientCollector first = GradientCollectors.open()) {
      second = new Thread(() -> {
        try (NDManager m = NDManager.newBaseManager()) {
          try (GradientCollector gc = GradientCollectors.open()) {
            synchronized (held) {
              openedWhileHeld.set(held[0]);
            }
            NDArray x = m.create(3f);
            x.setRequiresGradient(true);
            gc.backward(x.mul(x)); // d(x^2)/dx = 2x = 6
            gradient.set(x.getGradient().getFloat());
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      second.start();
      while (!GradientCollectors.contended() && second.isAlive()) {
        Thread.sleep(1); // until the second thread waits for the collector (or failed); no timing assumed
      }
      assertThat(failure.get()).isNull();
      synchronized (held) {
        held[0] = false;
      }
    }
    second.join();
    assertThat(failure.get()).isNull();
    assertThat(openedWhileHeld.get()).isFalse();
    assertThat(gradient.get()).isCloseTo(6f, within(1e-5f));
  }

  @Test
  void open_whileHeld_djlAloneRefusesASecondCollectorInTheJvm() throws Exception {
    AtomicReference<Throwable> raw = new AtomicReference<>();
    try (GradientCollector held = GradientCollectors.open()) {
      Thread other = new Thread(() -> {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          raw.set(null);
        } catch (Throwable t) {
          raw.set(t);
        }
      });
      other.start();
      other.join();
    }
    // why the lock exists: DJL's PyTorch collector is one per JVM
    assertThat(raw.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already collecting");
    try (GradientCollector again = GradientCollectors.open()) {
      assertThat(again).isNotNull(); // the failed attempt left no collector open
    }
  }

  @Test
  void close_twice_releasesTheLockOnce() {
    GradientCollector gc = GradientCollectors.open();
    assertThat(GradientCollectors.heldByCurrentThread()).isTrue();
    gc.close();
    gc.close(); // a second unlock would throw IllegalMonitorStateException
    assertThat(GradientCollectors.heldByCurrentThread()).isFalse();
    try (GradientCollector next = GradientCollectors.open()) {
      assertThat(next).isNotNull();
    }
  }
}
