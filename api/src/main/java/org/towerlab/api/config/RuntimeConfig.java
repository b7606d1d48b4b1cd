package org.towerlab.api.config;

/**
 * The top-level {@code runtime:} section: how the process runs, not what it computes. Like
 * {@code summary:} it is taken off the file by the config loader, so it is not part of the runs'
 * effective configs and run ids: two runs that differ only in their thread count are the same
 * experiment. With MKL's strict mode (set by the CLI) matrix products do not depend on the thread
 * count; ATen reductions of large tensors to a few numbers still can, in the last bits. The count
 * is recorded in each run's provenance ({@code versions.engineThreads}).
 *
 * <pre>{@code
 * runtime: {threads: 1}
 * }</pre>
 *
 * @param threads the engine's intra-op threads (PyTorch's {@code set_num_threads}); {@code null}
 *     (default) = the cores this process may use ({@code Runtime.availableProcessors()}), right
 *     for one job on the machine. It is the most the training loop uses: while other processes
 *     want the cores, the loop shrinks the engine's team so that its spinning threads do not fight
 *     them (docs/performance.md, section 3).
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
