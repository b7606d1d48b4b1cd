package org.towerlab.trainers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gradient collectors that threads of one JVM take in turn.
 *
 * <p>DJL's PyTorch engine allows one open {@link GradientCollector} per JVM (a static flag in
 * {@code PtGradientCollector}): a second thread that opens one while another is open gets an
 * {@code IllegalStateException}. Runs that train concurrently in one JVM (Spark tasks on an
 * executor with more than one core, as with {@code local[2]}) therefore take a JVM-wide lock for
 * each training step's collector: their steps interleave, each one whole, and everything outside
 * a step (batching, sampling, evaluation) still runs in parallel. A single training thread only
 * pays for an uncontended lock.
 */
public final class GradientCollectors {
  private static final ReentrantLock LOCK = new ReentrantLock();

  private GradientCollectors() {}

  /**
   * Waits until no other thread of this JVM holds a collector, then opens one; closing it closes
   * DJL's collector and lets the next thread in.
   */
  public static GradientCollector open() {
    LOCK.lock();
    try {
      return new Held(Engine.getInstance().newGradientCollector());
    } catch (RuntimeException | Error e) {
      LOCK.unlock();
      throw e;
    }
  }

  /** Whether another thread is waiting for a collector (for tests). */
  static boolean contended() {
    return LOCK.hasQueuedThreads();
  }

  /** Whether the calling thread holds a collector (for tests). */
  static boolean heldByCurrentThread() {
    return LOCK.isHeldByCurrentThread();
  }

  private static final class Held implements GradientCollector {
    private final GradientCollector gc;
    private boolean closed;

    Held(GradientCollector gc) {
      this.gc = gc;
    }

    @Override
    public void backward(NDArray target) {
      gc.backward(target);
    }

    @Override
    public void zeroGradients() {
      gc.zeroGradients();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        gc.close();
      } finally {
        LOCK.unlock();
      }
    }
  }
}
