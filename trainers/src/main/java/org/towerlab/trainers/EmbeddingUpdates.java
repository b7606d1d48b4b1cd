package org.towerlab.trainers;

import java.util.Locale;

/**
 * How the optimizer updates embedding tables ({@code trainer.embedding-updates}); see {@link AdamW}.
 *
 * <ul>
 *   <li>{@code dense}: every row at every step (Adam's moments keep moving rows not in the batch);
 *   <li>{@code lazy-adam}: only the rows the step read, with Adam;
 *   <li>{@code rowwise-adagrad}: only the rows the step read, with row-wise AdaGrad;
 *   <li>{@code auto} (default): {@code lazy-adam} for tables of at least {@link #AUTO_ROWS} rows,
 *       {@code dense} below. Measured ({@code towerlab bench --what crossover}): a lazy step costs
 *       the same at any table size, a dense one grows with the rows and passes it between 3,000
 *       and 10,000 rows; below that the dense update is as cheap and keeps the exact dense-Adam
 *       numbers of small data sets (ML-100K, the 5,000-item simulator). docs/performance.md.
 * </ul>
 *
 * @param mode the configured mode
 * @param autoRows the table size from which {@code auto} switches to {@code lazy-adam}
 */
public record EmbeddingUpdates(Mode mode, long autoRows) {
  /** The table size from which {@code auto} updates row-sparsely (measured; docs/performance.md). */
  public static final long AUTO_ROWS = 10_000;

  public static final EmbeddingUpdates DENSE = new EmbeddingUpdates(Mode.DENSE, AUTO_ROWS);

  /** A configured mode. */
  public enum Mode {
    AUTO, DENSE, LAZY_ADAM, ROWWISE_ADAGRAD;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Parses a config value ({@code auto}, {@code dense}, {@code lazy-adam}, {@code rowwise-adagrad}). */
  public static EmbeddingUpdates parse(String value) {
    for (Mode m : Mode.values()) {
      if (m.label().equals(value)) {
        return new EmbeddingUpdates(m, AUTO_ROWS);
      }
    }
    throw new IllegalArgumentException("embedding-updates must be auto, dense, lazy-adam or rowwise-adagrad, got '"
        + value + "'");
  }

  /** The mode a table of {@code rows} rows gets (never {@code AUTO}). */
  public Mode modeFor(long rows) {
    if (mode == Mode.AUTO) {
      return rows >= autoRows ? Mode.LAZY_ADAM : Mode.DENSE;
    }
    return mode;
  }
}
