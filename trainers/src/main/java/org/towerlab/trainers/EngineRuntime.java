package org.towerlab.trainers;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.lang.reflect.Method;
import org.towerlab.api.config.RuntimeConfig;

/**
 * Process-wide engine settings: the intra-op thread count ({@code runtime.threads}) and OpenMP's
 * wait policy.
 *
 * <p><b>Why the wait policy.</b> PyTorch's CPU kernels run their parallel regions on an OpenMP
 * team (libgomp). By default an idle team member spins for a while before it sleeps, so that the
 * next region starts without a wake-up. A training step issues hundreds of small regions; when the
 * cores are shared with other jobs, a spinning member burns the time slice its partner needs to
 * finish the region, and every region waits for a preempted thread. Measured on the quick start
 * with a load average of 10 on 2 cores: 90.8 s per epoch with the default policy, 7.0 s with
 * {@code OMP_WAIT_POLICY=PASSIVE}, 17.2 s with one thread (docs/performance.md). libgomp reads the
 * variable once, when it is loaded, so {@link #prepare} must run before the engine loads; the
 * {@code towerlab} launcher also exports it. A value the user set is kept.
 */
public final class EngineRuntime {
  private static final String WAIT_POLICY = "OMP_WAIT_POLICY";
  /** When this variable is set, {@link #prepare} leaves OpenMP's default (spinning) policy alone (benchmarks). */
  public static final String KEEP_DEFAULT = "TOWERLAB_OMP_DEFAULT";

  private EngineRuntime() {}

  /** The C library's environment (Java's {@code System.getenv} is a read-only copy). */
  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  /**
   * Sets {@code OMP_WAIT_POLICY=PASSIVE} in the process environment unless it is set. Call it
   * before the first NDManager is created (the engine loads libgomp then). Returns the policy in
   * force after the call, or {@code null} where the C library cannot be reached (not Linux/macOS).
   */
  public static String prepare() {
    try {
      LibC c = Native.load("c", LibC.class);
      if (c.getenv(WAIT_POLICY) == null && c.getenv(KEEP_DEFAULT) == null) {
        c.setenv(WAIT_POLICY, "PASSIVE", 0);
      }
      return c.getenv(WAIT_POLICY);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  /**
   * Applies {@code runtime:}: the engine's intra-op threads. Without {@code runtime.threads} a
   * thread count given as the JVM property {@code ai.djl.pytorch.num_threads} (the test suites
   * set 1) is kept; otherwise the default is the available cores.
   */
  public static void apply(RuntimeConfig runtime) {
    if (runtime.threads() == null && System.getProperty("ai.djl.pytorch.num_threads") != null) {
      return;
    }
    setThreads(runtime.effectiveThreads());
  }

  /** PyTorch's {@code set_num_threads(n)}; a no-op on another engine. */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    Method m = jni("setNumThreads", int.class);
    if (m != null) {
      try {
        ai.djl.engine.Engine.getInstance(); // loads the library (and applies ai.djl.pytorch.* properties) first
        m.invoke(null, n);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot set the engine's thread count", e);
      }
    }
  }

  /** The engine's intra-op threads, or -1 on another engine. */
  public static int threads() {
    Method m = jni("getNumThreads");
    if (m == null) {
      return -1;
    }
    try {
      ai.djl.engine.Engine.getInstance();
      return (Integer) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      return -1;
    }
  }

  /** The wait policy the process environment holds now ({@code null} if unset or unreadable). */
  public static String waitPolicy() {
    try {
      return Native.load("c", LibC.class).getenv(WAIT_POLICY);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return System.getenv(WAIT_POLICY);
    }
  }

  private static Method jni(String name, Class<?>... args) {
    try {
      return Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod(name, args);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
