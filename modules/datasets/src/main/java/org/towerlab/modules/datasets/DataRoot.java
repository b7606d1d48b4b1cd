package org.towerlab.modules.datasets;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where data sets live when a config gives no {@code path}: the environment variable
 * {@code TOWERLAB_DATA}, else {@code ../shared/data} relative to the repository root (system
 * property {@code towerlab.repo.root}, set by the build), else {@code ../shared/data} relative to
 * the working directory. Only paths are computed here; nothing is read.
 */
public final class DataRoot {
  /** Environment variable that overrides the data root. */
  public static final String ENV = "TOWERLAB_DATA";

  private DataRoot() {}

  /** The data root as described in the class comment. */
  public static Path root() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String repo = System.getProperty("towerlab.repo.root");
    if (repo != null && !repo.isBlank()) {
      Path p = Path.of(repo).resolve("../shared/data").normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("../shared/data"))) {
        return dir.resolve("../shared/data").normalize();
      }
    }
    return cwd.resolve("../shared/data").normalize();
  }

  /** {@code configured} if given, else {@code <root>/<folder>}. */
  public static Path resolve(String configured, String folder) {
    return configured != null && !configured.isBlank() ? Path.of(configured) : root().resolve(folder);
  }
}
