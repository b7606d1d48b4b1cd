package org.towerlab.tracking.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file writes for the run store. {@link #write} writes a temporary file next to the
 * target ({@code .<name>.<random>.tmp}), forces it to disk and renames it over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}: a reader sees the old content or the new one, never a
 * half-written file. {@link #appendLine} appends one complete line in a single write; readers of
 * append-only files skip a truncated last line (see {@link LocalRun#read}).
 *
 * <p>Readers ignore names starting with {@code .} and ending with {@code .tmp}: a kill between
 * the write and the rename leaves only such a file behind.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Atomically replaces {@code target} with {@code bytes}, creating parent directories. */
  public static void write(Path target, byte[] bytes) {
    write(target, bytes, true);
  }

  /**
   * Atomically replaces {@code target} with {@code bytes}; {@code force} also forces the data to
   * disk before the rename (durability on power loss, not needed for atomicity against a kill).
   */
  public static void write(Path target, byte[] bytes, boolean force) {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          if (force) {
            ch.force(true);
          }
        }
        move(tmp, target);
      } catch (IOException e) {
        // a failed write (a full disk) leaves no temporary behind, and cleanup never hides the cause
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      if (force) {
        syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Atomically replaces {@code target} with {@code text} in UTF-8. */
  public static void writeString(Path target, String text) {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Atomically replaces {@code target} with a copy of {@code source}. */
  public static void copy(Path source, Path target) {
    try {
      write(target, Files.readAllBytes(source));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + source + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Appends {@code line} plus a newline in one write and forces it to disk. A kill mid-write can at
   * worst leave a truncated last line, which readers skip.
   */
  public static void appendLine(Path target, String line) {
    appendLine(target, line, true);
  }

  /** As {@link #appendLine(Path, String)}; {@code force} says whether to force the line to disk. */
  public static void appendLine(Path target, String line, boolean force) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (force) {
          ch.force(false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code file} is a leftover temporary file of {@link #write}. */
  public static boolean isTemporary(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename durable on Linux; not supported everywhere, hence best effort.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }
}
