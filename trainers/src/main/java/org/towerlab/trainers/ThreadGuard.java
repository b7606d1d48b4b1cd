package org.towerlab.trainers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps a spinning OpenMP team from fighting other processes for the cores: while other
 * processes' threads want more cores than the team leaves free, the team shrinks (down to the
 * calling thread alone, which runs every kernel inline and never spins); when they leave it grows
 * back to the configured count.
 *
 * <p>Why: libgomp's default wait policy (a team thread spins for a while after each parallel
 * region instead of sleeping) is what makes PyTorch fast on an idle machine, because a training
 * step runs hundreds of short regions back to back; waking a sleeping thread for each one costs
 * about as much as the second core gains (the quick start trains at the same speed with two
 * passive threads as with one). The same spinning makes two jobs on shared cores collapse: each
 * spinning thread holds a core the other job's threads need (docs/performance.md, section 3).
 *
 * <p>How: every {@link #PERIOD_NANOS} the training thread samples the machine's runnable threads
 * ({@code /proc/loadavg}) minus this process's own ({@code /proc/self/task/N/stat} in state R),
 * and sizes the team to {@code clamp(cores - median of the last } {@link #WINDOW} {@code samples,
 * 1, configured)}: a second job is seen within about a second. Linux only; elsewhere, or when the process may use fewer cores than the machine
 * has online (a container slice: the machine-wide count says nothing about its share),
 * {@link EngineRuntime#prepare} keeps the passive policy instead.
 *
 * <p>The thread count sets the order of some floating-point sums, so a run whose team shrank at
 * times can differ from an idle run in the last bits. The trainer logs the mean team size per
 * epoch ({@code train/engine-threads}); {@code OMP_WAIT_POLICY=PASSIVE} fixes the count.
 */
final class ThreadGuard {
  /** How often the machine is sampled. */
  static final long PERIOD_NANOS = 200_000_000L;
  /**
   * Samples the decision takes the median of: the team changes only after other processes have
   * wanted the cores (or left them) for most of a second, not on a blip (a kernel thread, a shell
   * command), since a change of team size can move the last bits of reductions.
   */
  static final int WINDOW = 5;

  private final int cores;
  private int wanted;
  private int current;
  private final int[] others = new int[WINDOW];
  private int seen;
  private long next = Long.MIN_VALUE;

  /**
   * @param cores the cores this process may use
   * @param wanted the team size when nothing else runs (the configured thread count)
   */
  ThreadGuard(int cores, int wanted) {
    this.cores = Math.max(1, cores);
    reset(wanted);
  }

  /** A new configured count (after {@code set_num_threads}); forgets the samples. */
  void reset(int wanted) {
    this.wanted = Math.max(1, wanted);
    this.current = this.wanted;
    this.seen = 0;
  }

  int current() {
    return current;
  }

  int wanted() {
    return wanted;
  }

  /** Whether a sample is due at {@code now} (System.nanoTime); if so the next one is scheduled. */
  boolean due(long now) {
    if (next != Long.MIN_VALUE && now - next < 0) {
      return false;
    }
    next = now + PERIOD_NANOS;
    return true;
  }

  /**
   * Takes one sample: how many runnable threads other processes have. Returns the team size to use
   * from now on.
   */
  int observe(int othersRunnable) {
    others[seen % WINDOW] = Math.max(0, othersRunnable);
    seen++;
    if (seen < WINDOW || wanted == 1) {
      return current;
    }
    int[] s = others.clone();
    Arrays.sort(s);
    int median = s[WINDOW / 2];
    current = Math.max(1, Math.min(wanted, cores - median));
    return current;
  }

  // ---------------------------------------------------------------- Linux

  private static final Path LOADAVG = Path.of("/proc/loadavg");
  private static final Path TASKS = Path.of("/proc/self/task");

  /**
   * Whether the machine can be sampled: Linux's {@code /proc/loadavg} and this process's task list
   * are readable, and the process may use every online core (else the machine-wide count of
   * runnable threads says nothing about the cores this process shares).
   */
  static boolean supported() {
    try {
      othersRunnable();
      return onlineCpus() == Runtime.getRuntime().availableProcessors();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Runnable threads on the machine that are not this process's: {@code /proc/loadavg} minus our
   * own in state R. Our threads are read before and after the machine-wide count, and a thread
   * runnable in either read counts as ours, so that one of our own short-lived threads (GC, JIT)
   * that stops between the reads is not taken for another process.
   */
  static int othersRunnable() throws IOException {
    java.util.Set<Path> ours = ourRunnable(new java.util.HashSet<>());
    String[] f = new String(Files.readAllBytes(LOADAVG), StandardCharsets.US_ASCII).trim().split("\\s+");
    int running = Integer.parseInt(f[3].substring(0, f[3].indexOf('/')));
    ourRunnable(ours);
    return Math.max(0, running - ours.size());
  }

  private static java.util.Set<Path> ourRunnable(java.util.Set<Path> into) throws IOException {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path t : tasks) {
        byte[] stat;
        try {
          stat = Files.readAllBytes(t.resolve("stat"));
        } catch (IOException exited) {
          continue; // the thread ended between the listing and the read
        }
        if (runnable(stat)) {
          into.add(t.getFileName());
        }
      }
    }
    return into;
  }

  /** The state field of a {@code /proc/.../stat} line ({@code pid (comm) S ...}) is R. */
  static boolean runnable(byte[] stat) {
    for (int i = stat.length - 1; i > 0; i--) {
      if (stat[i] == ')') {
        return i + 2 < stat.length && stat[i + 2] == 'R';
      }
    }
    return false;
  }

  /** Online CPUs: the {@code cpuN} lines of {@code /proc/stat}. */
  static int onlineCpus() throws IOException {
    int n = 0;
    for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
      if (line.length() > 3 && line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
        n++;
      }
    }
    return n;
  }
}
