package org.towerlab.trainers;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.lang.reflect.Method;
import org.towerlab.api.config.RuntimeConfig;

/**
 * Process-wide engine settings: the intra-op thread count ({@code runtime.threads}) and how
 * OpenMP's idle threads wait.
 *
 * <p><b>Why the wait matters.</b> PyTorch's CPU kernels run their parallel regions on an OpenMP
 * team (libgomp), and a training step issues hundreds of short regions. By default an idle team
 * thread spins for a while before it sleeps, so the next region starts at once: on the idle
 * 2-core machine the quick start trains at about 65,000 examples/s that way, and at about 42,000
 * when the threads wait passively ({@code OMP_WAIT_POLICY=PASSIVE}), no faster than with one
 * thread, because every region then pays for waking a sleeping thread. But when the cores are
 * shared with other jobs, a spinning thread burns the time slice another job's thread needs:
 * measured on the quick start with a load average of 10 on 2 cores, 90.8 s per epoch spinning
 * against 7.0 s passive (docs/performance.md).
 *
 * <p><b>What {@link #prepare} does.</b> Unless the caller chose ({@code OMP_WAIT_POLICY} or
 * {@code GOMP_SPINCOUNT} set), it leaves libgomp's spinning on and turns on a {@link ThreadGuard}:
 * the training loop calls {@link #adapt()} every step, and while other processes want the cores
 * the team shrinks (to the calling thread alone, which never spins), growing back when they leave.
 * Where the guard cannot see the machine (not Linux, or a process allowed fewer cores than are
 * online) it sets {@code OMP_WAIT_POLICY=PASSIVE} instead. A policy the caller set is kept and the
 * thread count stays fixed.
 *
 * <p><b>The team size and the numbers.</b> How many threads share a kernel can set the order of
 * its floating-point sums. {@link #prepare} also sets {@code MKL_CBWR=AUTO,STRICT} (unless set):
 * MKL's strict reproducibility mode, in which matrix products give the same bits at any thread
 * count; with it the quick start trains to the same numbers with 1 and 2 threads. ATen's own
 * reductions of more than 32,768 elements to a few numbers still split the work by thread, so a
 * loss with such a sum can differ in the last bits when the team shrank; the trainer logs the
 * mean team size per epoch ({@code train/engine-threads}), and {@code OMP_WAIT_POLICY=PASSIVE}
 * keeps the team fixed. libgomp and MKL read their variables once, when they are loaded, so
 * {@link #prepare} must run before the engine loads; {@code Towerlab.main} calls it first.
 */
public final class EngineRuntime {
  /** libgomp's wait policy variable. */
  public static final String WAIT_POLICY = "OMP_WAIT_POLICY";
  /** libgomp's spin budget variable; setting it also counts as choosing how threads wait. */
  public static final String SPIN_COUNT = "GOMP_SPINCOUNT";
  private static final String MKL_CBWR = "MKL_CBWR";
  /** MKL's strict conditional numerical reproducibility: matrix products give the same bits at any thread count. */
  static final String MKL_STRICT = "AUTO,STRICT";
  /**
   * When this variable is set, {@link #prepare} leaves OpenMP's default (spinning) policy alone and
   * does not adapt the thread count (benchmarks).
   */
  public static final String KEEP_DEFAULT = "TOWERLAB_OMP_DEFAULT";

  private static volatile boolean adaptive;
  private static final ThreadLocal<ThreadGuard> GUARD = new ThreadLocal<>();

  private EngineRuntime() {}

  /** The C library's environment (Java's {@code System.getenv} is a read-only copy). */
  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  /**
   * Chooses how idle OpenMP threads wait (class comment): spinning with an adaptive team, or
   * {@code OMP_WAIT_POLICY=PASSIVE} where the team cannot adapt, unless the caller set
   * {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT}. Call it before the first NDManager is
   * created (the engine loads libgomp then). Returns {@link #waitDescription()}.
   */
  public static String prepare() {
    try {
      LibC c = Native.load("c", LibC.class);
      if (c.getenv(MKL_CBWR) == null) {
        c.setenv(MKL_CBWR, MKL_STRICT, 0);
      }
      boolean chosen = c.getenv(WAIT_POLICY) != null || c.getenv(SPIN_COUNT) != null;
      if (!chosen && c.getenv(KEEP_DEFAULT) == null) {
        if (ThreadGuard.supported()) {
          adaptive = true;
        } else {
          c.setenv(WAIT_POLICY, "PASSIVE", 0);
        }
      }
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      // no C library to reach: leave the environment as it is
    }
    return waitDescription();
  }

  /** Whether {@link #adapt()} sizes the team (set by {@link #prepare}). */
  public static boolean adaptive() {
    return adaptive;
  }

  /**
   * How idle engine threads wait, for logs and benchmark tables: {@code "adaptive (spin, team
   * sized to the free cores)"}, the {@code OMP_WAIT_POLICY} in force, or {@code "libgomp default
   * (spin)"}.
   */
  public static String waitDescription() {
    if (adaptive) {
      return "adaptive (libgomp spins; team sized to the free cores)";
    }
    String p = waitPolicy();
    String spin = processEnv(SPIN_COUNT);
    if (p == null) {
      return "libgomp default (spin" + (spin == null ? "" : ", GOMP_SPINCOUNT " + spin) + ")";
    }
    return p + (spin == null ? "" : ", GOMP_SPINCOUNT " + spin);
  }

  /**
   * Called by the training loop every step, on the training thread: while adaptive, samples the
   * machine about five times a second and resizes the engine's team to the cores other processes
   * leave free (at most the configured count). Cheap between samples.
   *
   * @return the team size in use, or -1 when the team is not adapted (not adaptive, or configured
   *     as one thread)
   */
  public static int adapt() {
    if (!adaptive) {
      return -1;
    }
    ThreadGuard g = GUARD.get();
    if (g == null) {
      g = new ThreadGuard(Runtime.getRuntime().availableProcessors(), Math.max(1, threads()));
      GUARD.set(g);
    }
    if (g.wanted() == 1) {
      return -1; // a team of one never spins and has nothing to give up
    }
    if (g.due(System.nanoTime())) {
      int before = g.current();
      int after;
      try {
        after = g.observe(ThreadGuard.othersRunnable());
      } catch (java.io.IOException | RuntimeException e) {
        return g.current();
      }
      if (after != before) {
        setEngineThreads(after);
      }
    }
    return g.current();
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

  /**
   * PyTorch's {@code set_num_threads(n)} for the calling thread; a no-op on another engine. While
   * adaptive, {@code n} becomes the most the team may grow to.
   */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    setEngineThreads(n);
    ThreadGuard g = GUARD.get();
    if (g != null) {
      g.reset(n);
    }
  }

  private static void setEngineThreads(int n) {
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
    return processEnv(WAIT_POLICY);
  }

  /** A variable of the process environment as the C library sees it (prepare may have set it). */
  private static String processEnv(String name) {
    try {
      return Native.load("c", LibC.class).getenv(name);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return System.getenv(name);
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
