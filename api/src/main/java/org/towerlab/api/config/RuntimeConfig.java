package org.towerlab.api.config;

/**
 * The top-level {@code runtime:} section: how the process runs, not what it computes. Like
 * {@code summary:} it is taken off the file by the config loader, so it is not part of the runs'
 * effective configs and run ids: two runs that differ only in their thread count are the same
 * experiment. Their numbers can still differ in the last bits (the thread count sets the order of
 * floating-point sums); the count is recorded in each run's provenance ({@code versions.engineThreads}).
 *
 * <pre>{@code
 * runtime: {threads: 1}
 * }</pre>
 *
 * @param threads the engine's intra-op threads (PyTorch's {@code set_num_threads}); {@code null}
 *     (default) = the cores this process may use ({@code Runtime.availableProcessors()}), right
 *     for one job on the machine. Give each of {@code n} concurrent jobs {@code cores / n}. The
 *     spin-waiting that makes oversubscribed jobs collapse is switched off separately (OpenMP's
 *     passive wait policy, set by the launcher; see docs/performance.md).
 */
public record RuntimeConfig(Integer threads) {
  /** Every default. */
  public static final RuntimeConfig DEFAULT = new RuntimeConfig(null);

  public RuntimeConfig {
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1 (or left out for the machine's cores), got "
          + threads);
    }
  }

  /** The thread count to use: {@link #threads} or the cores available to this process. */
  public int effectiveThreads() {
    return threads != null ? threads : Runtime.getRuntime().availableProcessors();
  }
}
