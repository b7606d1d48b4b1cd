package org.towerlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import org.towerlab.tracking.Secrets;

/** How the CLI prints an error: masked credentials, shortened values, the cause of an I/O fault. */
final class Messages {
  /** A word (a run of non-blank characters) longer than this is shortened. */
  static final int MAX_WORD = 300;
  /** A message longer than this keeps its head and tail. */
  static final int MAX_MESSAGE = 4000;

  private Messages() {}

  /**
   * {@code message} with URI credentials masked ({@link Secrets#redact}), every word longer than
   * {@value #MAX_WORD} characters cut to its first 100 and last 20 characters, and a message longer
   * than {@value #MAX_MESSAGE} characters cut in the middle; each cut says how much it left out.
   */
  static String clean(String message) {
    if (message == null) {
      return "";
    }
    String s = Secrets.redact(message);
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_MESSAGE + 100));
    int i = 0;
    int n = s.length();
    while (i < n) {
      int j = i;
      boolean blank = Character.isWhitespace(s.charAt(i));
      while (j < n && Character.isWhitespace(s.charAt(j)) == blank) {
        j++;
      }
      if (!blank && j - i > MAX_WORD) {
        out.append(s, i, i + 100).append("...[").append(String.format(Locale.ROOT, "%,d", j - i - 120))
            .append(" characters left out]...").append(s, j - 20, j);
      } else {
        out.append(s, i, j);
      }
      i = j;
    }
    if (out.length() <= MAX_MESSAGE) {
      return out.toString();
    }
    int head = MAX_MESSAGE - 1000;
    int tail = 800;
    return out.substring(0, head) + " ...[" + String.format(Locale.ROOT, "%,d", out.length() - head - tail)
        + " characters left out]... " + out.substring(out.length() - tail);
  }

  /** The I/O fault behind {@code t} (its cause chain), or null when there is none. */
  static IOException ioCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
      if (c instanceof UncheckedIOException u) {
        return u.getCause();
      }
    }
    return null;
  }

  /**
   * The most specific message of the I/O fault behind {@code top}: the first in its cause chain
   * that says more than its cause (a wrapper that names the file), else the fault's own.
   */
  static String ioMessage(Throwable top, IOException io) {
    for (Throwable c = top; c != null; c = c.getCause() == c ? null : c.getCause()) {
      boolean io2 = c instanceof IOException || c instanceof UncheckedIOException;
      String m = c.getMessage();
      if (io2 && m != null && (c.getCause() == null || !m.equals(c.getCause().toString()))) {
        return m;
      }
    }
    return io instanceof java.nio.file.FileSystemException fs && fs.getFile() != null
        ? fs.getFile() + ": " + (fs.getReason() != null ? fs.getReason() : io.getClass().getSimpleName())
        : String.valueOf(io.getMessage());
  }

  /** One paragraph for an output that could not be written: what, the system's reason, what to do. */
  static String ioError(Throwable top, IOException e) {
    String reason = String.valueOf(e.getMessage());
    String lower = reason.toLowerCase(Locale.ROOT);
    String todo;
    if (lower.contains("no space left") || lower.contains("quota") || lower.contains("file too large")) {
      todo = "Free space on that file system or pass another --out, then rerun with --resume: the run continues"
          + " from its last checkpoint.";
    } else if (lower.contains("read-only") || e instanceof AccessDeniedException) {
      todo = "Make the output directory writable or pass another --out, then rerun with --resume.";
    } else if (e instanceof NoSuchFileException && lower.contains("removed")) {
      todo = "Something removed the run directory while the run was writing to it; run the experiment again.";
    } else {
      todo = "Check the output directory (--out), then rerun with --resume: the run continues from its last"
          + " checkpoint.";
    }
    String what = ioMessage(top, e);
    return "towerlab: cannot write the output: " + what + (what.endsWith(".") ? " " : ". ") + todo
        + " Runs that were writing are marked FAILED where the status could still be written.";
  }
}
