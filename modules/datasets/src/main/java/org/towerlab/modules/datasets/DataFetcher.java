package org.towerlab.modules.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.towerlab.api.UserException;
import org.towerlab.modules.datasets.DataPackage.Download;

/**
 * Downloads a {@link DataPackage} into a data root, verified:
 * <ol>
 *   <li>takes a lock file {@code <root>/.<name>.fetch.lock} (a second process waits, then finds the
 *       data set present) and removes staging folders left by a killed earlier fetch;</li>
 *   <li>streams every download into a staging folder {@code <root>/.fetch-<name>-*} (same file
 *       system as the target), with a progress bar on the log stream and the SHA-256 computed on
 *       the way;</li>
 *   <li>refuses a download that ends early (a dropped connection: fewer bytes than announced or
 *       than the pinned size, or no byte for {@link #STALL_TIMEOUT}) or whose SHA-256 differs from
 *       the pinned one;</li>
 *   <li>unpacks archives (zip; entries outside the archive's root folder are skipped, entries that
 *       would escape it refused) and checks that every required file exists;</li>
 *   <li>writes {@code .towerlab-fetch.json} (what was downloaded, from where, its SHA-256) and
 *       renames the staging folder to {@code <root>/<folder>} in one atomic step;</li>
 *   <li>deletes the staging folder whatever happened, and prints the licence terms.</li>
 * </ol>
 *
 * <p>Network failures, HTTP errors, dropped connections, checksum mismatches and corrupt archives
 * throw {@link UserException} (exit 2) saying what to download and where to put it; nothing is
 * left behind. A local write failure (disk full) is an {@link UncheckedIOException} (exit 4).
 */
public final class DataFetcher {
  /** The marker file written into every fetched folder. */
  public static final String MARKER = ".towerlab-fetch.json";

  /** A download that receives no byte for this long is abandoned as stalled. */
  public static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient client;
  private final PrintStream log;
  private final boolean interactive;
  private final Duration stallTimeout;

  /**
   * @param log where progress and licence terms go (stderr in the CLI)
   * @param interactive redraw one progress line with carriage returns (a terminal); otherwise print
   *     a line at every quarter
   */
  public DataFetcher(PrintStream log, boolean interactive) {
    this(HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20))
        .version(HttpClient.Version.HTTP_1_1)
        .build(), log, interactive, STALL_TIMEOUT);
  }

  DataFetcher(HttpClient client, PrintStream log, boolean interactive, Duration stallTimeout) {
    this.client = client;
    this.log = log;
    this.interactive = interactive;
    this.stallTimeout = stallTimeout;
  }

  /** A fetcher like {@link #DataFetcher(PrintStream, boolean)} that gives up on a silent connection after {@code stallTimeout}. */
  DataFetcher withStallTimeout(Duration timeout) {
    return new DataFetcher(client, log, interactive, timeout);
  }

  /** A fetcher that writes to stderr, redrawing its progress line when a console is attached. */
  public static DataFetcher toStderr() {
    return new DataFetcher(System.err, System.console() != null);
  }

  /** Where progress and licence terms go. */
  public PrintStream log() {
    return log;
  }

  /** Whether {@code <root>/<folder>} holds every required file of {@code p}. */
  public static boolean isPresent(DataPackage p, Path root) {
    Path dir = root.resolve(p.folder());
    return p.requiredFiles().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  /**
   * Downloads {@code p} into {@code root/<folder>} unless it is already there.
   *
   * @param force download again and replace an existing folder (only after the new copy verified)
   * @return the data set's folder
   */
  public Path fetch(DataPackage p, Path root, boolean force) {
    Path target = root.resolve(p.folder());
    if (!force && isPresent(p, root)) {
      return target;
    }
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UserException("Cannot create the data folder " + root.toAbsolutePath() + " to download " + p.name()
          + " into: " + e + ". Set " + DataRoot.ENV + " to a writable folder. " + manual(p, root), e);
    }
    Path lockFile = root.resolve("." + p.name() + ".fetch.lock");
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      if (!force && isPresent(p, root)) {
        return target; // another process fetched it while we waited
      }
      removeStale(root, p);
      Path staging = Files.createTempDirectory(root, ".fetch-" + p.name() + "-");
      try {
        Path unpacked = Files.createDirectory(staging.resolve("data"));
        StringBuilder marker = new StringBuilder("{\n  \"name\": \"" + json(p.name()) + "\",\n  \"fetched\": \""
            + Instant.now() + "\",\n  \"downloads\": [");
        int i = 0;
        for (Download d : p.downloads()) {
          Path file = staging.resolve("download-" + i);
          download(p, root, d, file, i, p.downloads().size());
          if (d.isArchive()) {
            unzip(p, root, d, file, unpacked);
          } else {
            Path dest = unpacked.resolve(d.target());
            Files.createDirectories(dest.getParent());
            Files.move(file, dest);
          }
          Files.deleteIfExists(file);
          marker.append(i++ == 0 ? "\n" : ",\n").append("    {\"url\": \"").append(json(d.url()))
              .append("\", \"sha256\": \"").append(d.sha256()).append("\"}");
        }
        for (String f : p.requiredFiles()) {
          if (!Files.isRegularFile(unpacked.resolve(f))) {
            throw new UserException("The download of " + p.name() + " verified, but it holds no " + f + " (the"
                + " catalog entry expects it). Nothing was kept. " + manual(p, root));
          }
        }
        Files.writeString(unpacked.resolve(MARKER), marker.append("\n  ]\n}\n").toString(), StandardCharsets.UTF_8);
        install(unpacked, target, staging);
      } finally {
        deleteTree(staging);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + p.name() + " into " + root.toAbsolutePath(), e);
    }
    log.println(p.title() + " is in " + target.toAbsolutePath() + ".");
    log.println("Licence terms of " + p.name() + ": " + p.licence());
    return target;
  }

  /** Moves the verified folder into place; an existing one (force) is replaced only now. */
  private static void install(Path unpacked, Path target, Path staging) throws IOException {
    Path previous = staging.resolve("previous");
    if (Files.exists(target)) {
      Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      try {
        Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(unpacked, target);
      }
    } catch (FileAlreadyExistsException e) {
      throw new UserException("Cannot put the downloaded data set at " + target.toAbsolutePath() + ": something was"
          + " created there during the download. Remove it and fetch again.", e);
    } catch (IOException e) {
      if (Files.exists(previous) && !Files.exists(target)) {
        Files.move(previous, target); // put the old copy back
      }
      throw e;
    }
  }

  private void download(DataPackage p, Path root, Download d, Path file, int index, int count) throws IOException {
    requireLoopbackInTests(d.url());
    HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
        .header("User-Agent", "towerlab-data-fetch")
        .timeout(Duration.ofMinutes(2))
        .GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("The download of " + d.url() + " was interrupted. Nothing was kept. " + manual(p, root),
          e);
    } catch (IOException | IllegalArgumentException e) {
      throw new UserException("Cannot download " + p.name() + " from " + d.url() + ": " + reason(e) + ". Nothing was"
          + " kept. " + manual(p, root), e);
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new UserException("Cannot download " + p.name() + ": " + d.url() + " answered HTTP "
            + response.statusCode() + ". Nothing was kept. " + manual(p, root));
      }
      long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      long expected = d.size() >= 0 ? d.size() : announced;
      if (d.size() >= 0 && announced >= 0 && announced != d.size()) {
        throw new UserException("Cannot download " + p.name() + ": " + d.url() + " announces " + announced
            + " bytes, while the pinned file has " + d.size() + " bytes: the server holds a different file."
            + " Nothing was kept. " + manual(p, root));
      }
      MessageDigest sha = sha256();
      Progress progress = new Progress(d.fileName() + (count > 1 ? " (" + (index + 1) + "/" + count + ")" : ""),
          expected);
      long received = 0;
      byte[] buf = new byte[1 << 16];
      // a silent connection never ends a read: a watchdog closes the stream after stallTimeout without data
      AtomicLong lastData = new AtomicLong(System.nanoTime());
      AtomicBoolean stalled = new AtomicBoolean();
      ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "towerlab-fetch-watchdog");
        t.setDaemon(true);
        return t;
      });
      long tick = Math.max(1, Math.min(1000, stallTimeout.toMillis() / 4));
      watchdog.scheduleWithFixedDelay(() -> {
        if (System.nanoTime() - lastData.get() > stallTimeout.toNanos() && !stalled.getAndSet(true)) {
          try {
            in.close();
          } catch (IOException ignored) {
            // the reading thread reports the stall
          }
        }
      }, tick, tick, TimeUnit.MILLISECONDS);
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
        while (true) {
          int n;
          try {
            n = in.read(buf);
          } catch (IOException e) {
            progress.end();
            throw new UserException("The download of " + d.url() + " broke off after " + received + " of "
                + (expected >= 0 ? expected + " bytes" : "? bytes") + " (" + (stalled.get() ? "no data for "
                + stallTimeout.toSeconds() + " s" : reason(e)) + "): the connection dropped. Nothing was kept; run the"
                + " command again. " + manual(p, root), e);
          }
          if (n < 0) {
            break;
          }
          lastData.set(System.nanoTime());
          out.write(buf, 0, n);
          sha.update(buf, 0, n);
          received += n;
          progress.update(received);
        }
      } finally {
        watchdog.shutdownNow();
      }
      progress.end();
      if (stalled.get()) {
        throw new UserException("The download of " + d.url() + " stalled after " + received + " bytes (no data for "
            + stallTimeout.toSeconds() + " s): the connection dropped. Nothing was kept; run the command again. "
            + manual(p, root));
      }
      if (expected >= 0 && received != expected) {
        throw new UserException("The download of " + d.url() + " ended after " + received + " of " + expected
            + " bytes: the connection dropped. Nothing was kept; run the command again. " + manual(p, root));
      }
      String got = HexFormat.of().formatHex(sha.digest());
      if (!got.equals(d.sha256())) {
        throw new UserException("The download of " + d.url() + " has SHA-256 " + got + ", but " + p.name()
            + " is pinned to " + d.sha256() + " (" + p.provenance() + "). The file is corrupted or the server holds"
            + " a different version; nothing was kept. " + manual(p, root));
      }
    }
  }

  private void unzip(DataPackage p, Path root, Download d, Path archive, Path dest) throws IOException {
    String prefix = d.archiveRoot().isEmpty() ? "" : d.archiveRoot().replaceAll("/+$", "") + "/";
    int entries = 0;
    try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
        String name = e.getName().replace('\\', '/');
        if (!name.startsWith(prefix) || name.length() == prefix.length() || name.startsWith("__MACOSX/")) {
          continue;
        }
        String rel = name.substring(prefix.length());
        if (!DataPackage.safeRelative(rel.replaceAll("/+$", ""))) {
          throw new UserException("The archive " + d.url() + " holds the entry '" + e.getName() + "', which would be"
              + " written outside the data folder. Nothing was kept. " + manual(p, root));
        }
        Path out = dest.resolve(rel).normalize();
        if (!out.startsWith(dest)) {
          throw new UserException("The archive " + d.url() + " holds the entry '" + e.getName() + "', which would be"
              + " written outside the data folder. Nothing was kept. " + manual(p, root));
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(zin, out, StandardCopyOption.REPLACE_EXISTING);
          entries++;
        }
      }
    } catch (ZipException | java.io.EOFException e) {
      throw new UserException("The archive " + d.url() + " passed its checksum but cannot be unpacked (" + e.getMessage()
          + "). Nothing was kept. " + manual(p, root), e);
    }
    if (entries == 0) {
      throw new UserException("The archive " + d.url() + " holds no file under '" + prefix + "'. Nothing was kept. "
          + manual(p, root));
    }
  }

  /** What to do by hand: the paragraph every failure ends with. */
  /** System property the test build sets: downloads may only go to 127.0.0.1 / localhost. */
  static final String LOOPBACK_ONLY = "towerlab.fetch.loopback-only";

  /**
   * Under the test build ({@value #LOOPBACK_ONLY}{@code =true}) a download from any host but the
   * loopback is a bug in the test, which must serve its data from 127.0.0.1: tests never reach the
   * internet, whatever the data folders of the machine hold.
   */
  static void requireLoopbackInTests(String url) {
    if (!Boolean.getBoolean(LOOPBACK_ONLY)) {
      return;
    }
    String host = URI.create(url).getHost();
    if (host == null || !(host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]")
        || host.equals("::1"))) {
      throw new IllegalStateException("A test tried to download " + url + ": tests serve data from 127.0.0.1 only ("
          + LOOPBACK_ONLY + "=true)");
    }
  }

  static String manual(DataPackage p, Path root) {
    StringBuilder s = new StringBuilder("To install " + p.name() + " by hand: ");
    if (p.downloads().size() == 1) {
      Download d = p.downloads().get(0);
      s.append("download ").append(d.url()).append(" (SHA-256 ").append(d.sha256()).append(")");
      if (d.isArchive()) {
        s.append(", unzip it and put ").append(d.archiveRoot().isEmpty() ? "its contents" : "its folder "
            + d.archiveRoot() + "/").append(" at ");
      } else {
        s.append(" to ");
      }
    } else {
      s.append("download the ").append(p.downloads().size()).append(" files listed by 'towerlab data list --files'"
          + " (from ").append(p.homepage()).append(") into ");
    }
    s.append(root.resolve(p.folder()).toAbsolutePath()).append(" so that ")
        .append(root.resolve(p.folder()).resolve(p.requiredFiles().get(0)).toAbsolutePath())
        .append(" exists, or set ").append(DataRoot.ENV).append(" to a folder that holds ").append(p.folder())
        .append("/ (or give the config key 'path').");
    return s.toString();
  }

  private static String reason(Throwable e) {
    if (e instanceof UnknownHostException || e instanceof UnresolvedAddressException
        || e.getCause() instanceof UnresolvedAddressException) {
      return "the host name does not resolve (are you offline?)";
    }
    if (e instanceof HttpConnectTimeoutException) {
      return "the connection timed out (are you offline or behind a proxy?)";
    }
    if (e instanceof ConnectException) {
      return "the connection was refused or the network is unreachable (are you offline?)";
    }
    if (e instanceof HttpTimeoutException) {
      return "the server did not answer in time";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  /** Deletes staging folders of {@code p} that a killed fetch left (we hold the lock, so none is in use). */
  private static void removeStale(Path root, DataPackage p) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ".fetch-" + p.name() + "-*")) {
      for (Path stale : ds) {
        deleteTree(stale);
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** A progress bar: redrawn in place on a terminal, one line per quarter otherwise. */
  private final class Progress {
    private final String label;
    private final long total;
    private int shown = -1;
    private long lastMb = -1;

    Progress(String label, long total) {
      this.label = label;
      this.total = total;
    }

    void update(long received) {
      if (total > 0) {
        int pct = (int) Math.min(100, received * 100 / total);
        int step = interactive ? pct : pct / 25 * 25;
        if (step != shown) {
          shown = step;
          int bars = pct * 30 / 100;
          String line = String.format(Locale.ROOT, "%s [%s%s] %3d%% %s / %s", label, "#".repeat(bars),
              ".".repeat(30 - bars), pct, mb(received), mb(total));
          print(line);
        }
      } else {
        long mb = received >> 20;
        if (mb != lastMb && (interactive || mb % 10 == 0)) {
          lastMb = mb;
          print(label + " " + mb(received));
        }
      }
    }

    void end() {
      if (interactive && shown >= 0) {
        log.println();
      }
    }

    private void print(String line) {
      if (interactive) {
        log.print("\r" + line);
        log.flush();
      } else {
        log.println(line);
      }
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
