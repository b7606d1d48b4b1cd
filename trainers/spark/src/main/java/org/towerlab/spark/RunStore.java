package org.towerlab.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.towerlab.api.UserException;

/**
 * The run store of a distributed grid: a directory that the driver and every executor reach
 * through the Hadoop {@link FileSystem} API ({@code file:}, {@code hdfs://}, {@code s3a://},
 * {@code abfs://}, ...; the scheme's file system must be on the executors' class path).
 *
 * <p>On a {@code file:} store (a local path, or a shared mount such as NFS at the same path on
 * every node) runs are written in place, with the local run store's atomic writes and locks. On
 * any other file system a run is written in a local scratch directory of the executor, filled
 * first with what an earlier attempt published (so a retried task resumes from its last
 * checkpoint), and published when the run ends: every file is copied to {@code <dir>} and
 * replaces the one there, {@code metrics.json} last, so a run directory with a {@code metrics.json}
 * is complete. An attempt that dies before it publishes leaves nothing new in the store: its retry
 * starts from what the store holds.
 */
final class RunStore implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Files the driver does not pull back from a remote store to build the leaderboard and summary. */
  static final Set<String> LARGE = Set.of("checkpoints", "embeddings", "stages", "artifacts");

  private final String uri;

  /** @param location a path (relative to the working directory) or a URI with a scheme */
  RunStore(String location) {
    this.uri = normalize(location);
  }

  private static String normalize(String location) {
    if (location == null || location.isBlank()) {
      throw new UserException("The run store (--out) is empty. Pass a directory or a URI such as hdfs://host/runs.");
    }
    if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*") || location.startsWith("file:")) {
      URI u = URI.create(location.endsWith("/") ? location.substring(0, location.length() - 1) : location);
      return u.toString();
    }
    return Path.of(location).toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
  }

  /** The store's URI, without a trailing slash. */
  String uri() {
    return uri;
  }

  /** Whether runs are written in place through {@code java.nio} ({@code file:} stores). */
  boolean local() {
    return uri.startsWith("file:");
  }

  /** The local path of a {@code file:} store. */
  Path path() {
    if (!local()) {
      throw new IllegalStateException("not a file: store: " + uri);
    }
    return Path.of(URI.create(uri));
  }

  /** {@code <store>/<relative>} as a Hadoop path. */
  org.apache.hadoop.fs.Path hadoopPath(String relative) {
    return new org.apache.hadoop.fs.Path(uri + "/" + relative);
  }

  FileSystem fs(Configuration conf) {
    try {
      return FileSystem.get(URI.create(uri), conf);
    } catch (IOException e) {
      throw new UserException("Cannot open the run store " + uri + " through the Hadoop FileSystem API (" + e
          + "). Check the URI, that its file system is on the class path and that core-site.xml configures it.");
    }
  }

  /** Whether {@code <store>/<relative>} exists. */
  boolean exists(String relative, Configuration conf) {
    try {
      return fs(conf).exists(hadoopPath(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies {@code <store>/<relative>} into {@code local} (created), skipping the top-level entries
   * named in {@code skip}; nothing when it does not exist.
   */
  void pull(String relative, Path local, Set<String> skip, Configuration conf) {
    try {
      FileSystem fs = fs(conf);
      org.apache.hadoop.fs.Path from = hadoopPath(relative);
      Files.createDirectories(local);
      if (!fs.exists(from)) {
        return;
      }
      for (FileStatus st : fs.listStatus(from)) {
        if (skip.contains(st.getPath().getName())) {
          continue;
        }
        fs.copyToLocalFile(false, st.getPath(), new org.apache.hadoop.fs.Path(local.resolve(st.getPath().getName())
            .toUri()), true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("pulling " + uri + "/" + relative + " into " + local, e);
    }
  }

  /**
   * Publishes the local directory {@code local} as {@code <store>/<relative>}: every file replaces
   * the one of the same path, {@code metrics.json} last.
   */
  void push(Path local, String relative, Configuration conf) {
    try (Stream<Path> files = Files.walk(local)) {
      FileSystem fs = fs(conf);
      org.apache.hadoop.fs.Path to = hadoopPath(relative);
      fs.mkdirs(to);
      Path metrics = null;
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String rel = local.relativize(f).toString().replace('\\', '/');
        if (rel.equals("metrics.json")) {
          metrics = f;
          continue;
        }
        if (rel.equals("run.lock")) {
          continue;
        }
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.fs.Path(to, rel));
      }
      if (metrics != null) {
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(metrics.toUri()),
            new org.apache.hadoop.fs.Path(to, "metrics.json"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + local + " to " + uri + "/" + relative, e);
    }
  }

  /**
   * Reserves a new run directory {@code <experiment>/<id>}, {@code <id>-2}, ... in a remote store
   * (with {@code resume}: {@code <id>}, existing or new) and returns its name. Only the driver
   * reserves, one child after the other.
   */
  String reserve(String experiment, String id, boolean resume, Configuration conf) {
    try {
      FileSystem fs = fs(conf);
      String name = id;
      for (int n = 2; !resume && fs.exists(hadoopPath(experiment + "/" + name)); n++) {
        name = id + "-" + n;
      }
      fs.mkdirs(hadoopPath(experiment + "/" + name));
      return name;
    } catch (IOException e) {
      throw new UserException("Cannot create a run directory in the run store " + uri + "/" + experiment + " (" + e
          + "). Pass a writable --out.");
    }
  }
}
