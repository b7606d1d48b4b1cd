package org.towerlab.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.towerlab.registry.Plugins;
import org.towerlab.registry.Registry;

/**
 * Where the CLI loads plugin modules from, besides its own classpath:
 * <ol>
 *   <li>{@code <towerlab home>/plugins/} (the repository root in a source checkout: system property
 *       {@code towerlab.repo.root}, set by the {@code towerlab} script), when it exists;</li>
 *   <li>in a source checkout, the jar of every in-tree module {@code modules/<x>/target/towerlab-module-<x>-*.jar}
 *       that the distribution does not already contain: a new {@code modules/x} needs no edit to
 *       {@code trainers/cli/pom.xml};</li>
 *   <li>the entries of {@code TOWERLAB_PLUGINS} (separated by {@value File#pathSeparator});</li>
 *   <li>every {@code --plugins DIR} (which must exist).</li>
 * </ol>
 * Each location is a jar or a folder of jars; see {@link Plugins}.
 */
final class PluginSupport {
  /** Environment variable listing plugin locations. */
  static final String ENV = "TOWERLAB_PLUGINS";

  private PluginSupport() {}

  /**
   * Builds the registry with {@code supplier} while the thread's context class loader sees the
   * plugin jars ({@link Registry#discover()} reads it); a supplier that builds a fixed registry
   * (tests) is unaffected.
   */
  static Registry registry(Supplier<Registry> supplier, List<Path> explicit, Map<String, String> env) {
    ClassLoader parent = Thread.currentThread().getContextClassLoader();
    if (parent == null) {
      parent = PluginSupport.class.getClassLoader();
    }
    List<Path> implicit = new ArrayList<>();
    Path home = home();
    if (home != null) {
      implicit.add(home.resolve("plugins"));
      implicit.addAll(inTreeModuleJars(home));
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      for (String p : fromEnv.split(File.pathSeparator)) {
        if (!p.isBlank()) {
          implicit.add(Path.of(p.strip()));
        }
      }
    }
    Plugins.Loaded optional = Plugins.load(implicit, parent, false);
    Plugins.Loaded loaded = Plugins.load(explicit, optional.loader(), true);
    if (loaded.loader() == parent) {
      return supplier.get();
    }
    Thread t = Thread.currentThread();
    ClassLoader previous = t.getContextClassLoader();
    t.setContextClassLoader(loaded.loader());
    try {
      return supplier.get();
    } finally {
      t.setContextClassLoader(previous);
    }
  }

  private static Path home() {
    String root = System.getProperty("towerlab.repo.root");
    return root == null || root.isBlank() ? null : Path.of(root);
  }

  /** {@code modules/<x>/target/towerlab-module-<x>-<version>.jar} of every in-tree module that was built. */
  static List<Path> inTreeModuleJars(Path home) {
    List<Path> jars = new ArrayList<>();
    Path modules = home.resolve("modules");
    if (!Files.isDirectory(modules)) {
      return jars;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modules, Files::isDirectory)) {
      for (Path dir : dirs) {
        Path target = dir.resolve("target");
        if (!Files.isDirectory(target)) {
          continue;
        }
        String prefix = "towerlab-module-" + dir.getFileName() + "-";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(target, prefix + "*.jar")) {
          for (Path f : files) {
            String n = f.getFileName().toString();
            if (!n.endsWith("-tests.jar") && !n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar")) {
              jars.add(f);
            }
          }
        }
      }
    } catch (IOException e) {
      return jars; // an unreadable tree is not a reason to fail the command; the module is simply not loaded
    }
    jars.sort(null);
    return jars;
  }
}
