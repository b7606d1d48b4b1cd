package org.towerlab.tracking.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.towerlab.api.UserException;

/**
 * The writer's lock on a run directory: an exclusive OS lock ({@code fcntl}/{@code LockFileEx})
 * on {@code <runDir>/run.lock}, held from {@link LocalRunStore#start} until the run is finished
 * or closed. The operating system releases it when the process dies, even by {@code kill -9}, so
 * a crashed run never blocks its {@code --resume}. While it is held the file names the holder (pid,
 * process start time, host), and a second writer is refused with a {@link UserException} that
 * says who holds it.
 *
 * <p>On a file system without locks (some network mounts) the run goes on unlocked with a warning.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file inside the run directory. */
  public static final String FILE = "run.lock";
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code runDir} for this process.
   *
   * @throws UserException when another process (or another run of this process) holds the lock
   */
  public static RunLock acquire(Path runDir, String runId) {
    Path file = runDir.resolve(FILE);
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the run lock " + file + ": " + e.getMessage(), e);
    }
    FileLock lock;
    boolean here = false;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
      here = true;
    } catch (IOException e) {
      LOG.warn("Cannot lock {} ({}); the run goes on without a lock: make sure no other process writes it.",
          file, e.getMessage());
      return new RunLock(ch, null);
    }
    if (lock == null) {
      String holder = here ? "this process (pid " + ProcessHandle.current().pid() + ")" : holder(ch);
      close(ch);
      throw new UserException("The run directory " + runDir + " is in use by " + holder + ", which is writing"
          + " the same run. Two processes must not write one run: wait for it to finish or stop it, run without"
          + " --resume (a new directory is made), or pass another --out.");
    }
    try {
      byte[] info = Json.line(holderInfo(runId)).concat("\n").getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ByteBuffer buf = ByteBuffer.wrap(info);
      long pos = 0;
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
    } catch (IOException e) {
      // the lock holds without the holder's description (a full disk): the message then says less
      LOG.debug("cannot describe the holder in {}: {}", file, e.getMessage());
    }
    return new RunLock(ch, lock);
  }

  /** Releases the lock; the file stays (its content names the last holder). Never throws. */
  @Override
  public void close() {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      LOG.debug("releasing the run lock: {}", e.getMessage());
    }
    close(channel);
  }

  private static Map<String, Object> holderInfo(String runId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pid", ProcessHandle.current().pid());
    m.put("pidStartTime", LocalRunStore.processStartMillis(ProcessHandle.current()));
    m.put("host", hostName());
    m.put("runId", runId);
    m.put("lockedAt", System.currentTimeMillis());
    return m;
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(4096, Math.max(0, ch.size())));
      ch.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
      JsonNode n = Json.MAPPER.readTree(text);
      StringBuilder sb = new StringBuilder("another TowerLab process (pid ").append(n.path("pid").asText("?"));
      if (n.hasNonNull("host")) {
        sb.append(" on ").append(n.get("host").asText());
      }
      if (n.hasNonNull("lockedAt")) {
        sb.append(", running it since ").append(Instant.ofEpochMilli(n.get("lockedAt").asLong()));
      }
      return sb.append(")").toString();
    } catch (IOException | RuntimeException e) {
      return "another process (its description in " + FILE + " is unreadable)";
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
