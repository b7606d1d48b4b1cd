package org.towerlab.trainers;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar with throughput on a terminal; plain log lines (every 25%) when the output is not
 * a terminal (CI logs, files).
 */
final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final long total;
  private final long started = System.nanoTime();
  private long lastDraw;
  private int lastQuarter = -1;

  Progress(PrintStream out, String label, long total) {
    this.out = out;
    this.terminal = System.console() != null && !"true".equals(System.getenv("CI"));
    this.label = label;
    this.total = Math.max(total, 1);
  }

  void update(long done, String extra) {
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && done < total) {
        return;
      }
      lastDraw = now;
      int width = 30;
      int filled = (int) (width * done / total);
      out.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %,.0f ex/s %s", label, "#".repeat(filled),
          " ".repeat(width - filled), 100 * done / total, rate, extra);
      out.flush();
    } else {
      int quarter = (int) (4 * done / total);
      if (quarter != lastQuarter && (quarter > 0 || done == total)) {
        lastQuarter = quarter;
        out.printf(Locale.ROOT, "%s %3d%% (%,d/%,d) %,.0f ex/s %s%n", label, 100 * done / total, done, total, rate, extra);
      }
    }
  }

  void finish(String summary) {
    if (terminal) {
      out.print("\r\033[K");
    }
    out.println(label + " " + summary);
  }
}
