package org.towerlab.modules.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where data sets live when a config gives no {@code path}, and the automatic download on first
 * use.
 *
 * <p>A loader asks for a folder ({@code ml-100k}) through {@link #locate(String, String)}:
 * <ol>
 *   <li>a configured {@code path} is used as it is (never downloaded into);</li>
 *   <li>with {@code TOWERLAB_DATA} set: {@code $TOWERLAB_DATA/<folder>}, downloaded there when
 *       missing;</li>
 *   <li>otherwise the shared folder {@code ../shared/data/<folder>} beside the repository root
 *       (system property {@code towerlab.repo.root}, set by the build and the {@code towerlab}
 *       script) or beside a parent of the working directory that holds a {@code pom.xml}, when it
 *       exists (development machines and CI);</li>
 *   <li>otherwise the cache {@code ~/.cache/towerlab/data/<folder>}, downloaded there when
 *       missing.</li>
 * </ol>
 * A download happens only for a folder the {@link DataCatalog} knows, and not when
 * {@code TOWERLAB_FETCH=never} (or the system property {@code towerlab.fetch=never}); the loader
 * then reports the missing file with the command that fetches it.
 *
 * <p>Every variable can also be given as a system property ({@code towerlab.data},
 * {@code towerlab.data.catalog}, {@code towerlab.fetch}); the environment wins.
 */
public final class DataRoot {
  /** Environment variable that overrides the data root. */
  public static final String ENV = "TOWERLAB_DATA";
  /** Environment variable that disables the automatic download ({@code never}). */
  public static final String FETCH_ENV = "TOWERLAB_FETCH";

  private final Map<String, String> env;

  private DataRoot(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Locations computed from the process environment and system properties. */
  public static DataRoot system() {
    return new DataRoot(System.getenv());
  }

  /** Locations computed from {@code env} (in place of the process environment) and system properties. */
  public static DataRoot of(Map<String, String> env) {
    return new DataRoot(env);
  }

  /** The data root as described in the class comment: TOWERLAB_DATA, else the shared folder, else the cache. */
  public static Path root() {
    return system().dataRoot();
  }

  /** {@code configured} if given, else {@code <root>/<folder>}; nothing is read or downloaded. */
  public static Path resolve(String configured, String folder) {
    return configured != null && !configured.isBlank() ? Path.of(configured) : root().resolve(folder);
  }

  /**
   * The folder a loader reads: {@code configured} if given, else as described in the class
   * comment, downloading a known data set that is missing (progress and licence on stderr).
   */
  public static Path locate(String configured, String folder) {
    return system().locate(configured, folder, DataFetcher.toStderr());
  }

  /** See {@link #locate(String, String)}; downloads with {@code fetcher}. */
  public Path locate(String configured, String folder, DataFetcher fetcher) {
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path configuredRoot = configuredRoot();
    if (configuredRoot == null) {
      Path shared = sharedRoot();
      if (shared != null && Files.exists(shared.resolve(folder))) {
        return shared.resolve(folder);
      }
    }
    Path root = fetchRoot();
    Path dir = root.resolve(folder);
    if (Files.exists(dir) || !fetchAllowed()) {
      return dir;
    }
    Optional<DataPackage> known = catalog().byFolder(folder);
    if (known.isEmpty()) {
      return dir;
    }
    fetcher.log().println("Data set " + known.get().name() + " is not in " + dir.toAbsolutePath()
        + "; downloading it (set " + FETCH_ENV + "=never to turn this off).");
    return fetcher.fetch(known.get(), root, false);
  }

  /** The data root: TOWERLAB_DATA, else the shared folder when it exists, else the cache. */
  public Path dataRoot() {
    Path configured = configuredRoot();
    if (configured != null) {
      return configured;
    }
    Path shared = sharedRoot();
    return shared != null ? shared : cacheRoot();
  }

  /** Where {@code towerlab data fetch} and the automatic download write: TOWERLAB_DATA, else the cache. */
  public Path fetchRoot() {
    Path configured = configuredRoot();
    return configured != null ? configured : cacheRoot();
  }

  /** {@code $TOWERLAB_DATA}, or null. */
  public Path configuredRoot() {
    String v = setting(ENV, "towerlab.data");
    return v == null ? null : Path.of(v);
  }

  /** {@code ~/.cache/towerlab/data}. */
  public Path cacheRoot() {
    return Path.of(System.getProperty("user.home"), ".cache", "towerlab", "data");
  }

  /** The shared folder {@code ../shared/data} beside the repository, or null when there is none. */
  public Path sharedRoot() {
    String repo = System.getProperty("towerlab.repo.root");
    if (repo != null && !repo.isBlank()) {
      Path p = Path.of(repo).resolve("../shared/data").normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("../shared/data"))) {
        return dir.resolve("../shared/data").normalize();
      }
    }
    return null;
  }

  /** The catalog: built in, plus the file named by {@code TOWERLAB_DATA_CATALOG}. */
  public DataCatalog catalog() {
    String file = setting(DataCatalog.ENV, "towerlab.data.catalog");
    return DataCatalog.withOverrides(file == null ? null : Path.of(file));
  }

  /** False when {@code TOWERLAB_FETCH=never}. */
  public boolean fetchAllowed() {
    String v = setting(FETCH_ENV, "towerlab.fetch");
    return v == null || !v.equalsIgnoreCase("never");
  }

  private String setting(String envName, String property) {
    String v = env.get(envName);
    if (v == null || v.isBlank()) {
      v = System.getProperty(property);
    }
    return v == null || v.isBlank() ? null : v;
  }

  /** The command that fetches {@code folder}'s data set, for error messages ("" when none is known). */
  static String fetchHint(String folder) {
    return system().catalog().byFolder(folder)
        .map(p -> " Or run 'towerlab data fetch " + p.name() + "' to download and verify it.").orElse("");
  }
}
