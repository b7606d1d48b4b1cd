package org.towerlab.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.towerlab.api.UserException;

/**
 * External plugin jars: a researcher's module built outside this repository, found through
 * {@link java.util.ServiceLoader} like the built-in ones, with no edit to any TowerLab file.
 *
 * <p>A location is a jar or a folder; every {@code *.jar} directly in a folder is loaded (a plugin
 * that needs libraries the distribution lacks puts them beside its jar). A plugin jar lists its
 * {@link TowerlabModule} classes in {@code META-INF/services/org.towerlab.registry.TowerlabModule}.
 * A jar whose module classes the parent class loader already has (the same module also on the
 * classpath) is skipped, so a module is never registered twice. Classes resolve parent-first: a
 * plugin always sees the distribution's TowerLab API, DJL and Jackson.
 *
 * <pre>{@code
 * Plugins.Loaded p = Plugins.load(List.of(Path.of("plugins")), Registry.class.getClassLoader(), true);
 * Registry registry = Registry.discover(p.loader());
 * }</pre>
 */
public final class Plugins {
  static final String SERVICE = "META-INF/services/" + TowerlabModule.class.getName();

  private Plugins() {}

  /**
   * What {@link #load} found.
   *
   * @param loader the class loader over the plugin jars (the parent itself when there are none)
   * @param jars the jars loaded, in load order
   * @param skipped jars not loaded because their modules are already on the parent's classpath
   */
  public record Loaded(ClassLoader loader, List<Path> jars, List<Path> skipped) {}

  /**
   * A class loader over the jars at {@code locations}, child of {@code parent}.
   *
   * @param mustExist whether a location that does not exist is an error (a {@code --plugins} the
   *     user named) rather than nothing to load (a default folder)
   * @throws UserException for a missing location that must exist, a file that is not a jar, or an
   *     unreadable jar
   */
  public static Loaded load(List<Path> locations, ClassLoader parent, boolean mustExist) {
    Set<Path> jars = new LinkedHashSet<>();
    for (Path location : locations) {
      if (Files.isDirectory(location)) {
        try (Stream<Path> s = Files.list(location)) {
          s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted()
              .forEach(p -> jars.add(p.toAbsolutePath().normalize()));
        } catch (IOException e) {
          throw new UserException("Cannot list the plugin folder " + location.toAbsolutePath() + ": " + e.getMessage()
              + ". Check that it is readable.", e);
        }
      } else if (Files.isRegularFile(location)) {
        if (!location.getFileName().toString().endsWith(".jar")) {
          throw new UserException("The plugin location " + location.toAbsolutePath() + " is a file but not a .jar."
              + " Give a plugin jar or a folder of jars.");
        }
        jars.add(location.toAbsolutePath().normalize());
      } else if (mustExist) {
        throw new UserException("The plugin location " + location.toAbsolutePath() + " does not exist. Give a plugin"
            + " jar or a folder of jars (build the plugin with 'mvn package': its jar is in target/).");
      }
    }
    List<Path> loaded = new ArrayList<>();
    List<Path> skipped = new ArrayList<>();
    for (Path jar : jars) {
      List<String> modules = modules(jar);
      if (!modules.isEmpty() && modules.stream().allMatch(m -> loadable(m, parent))) {
        skipped.add(jar);
      } else {
        loaded.add(jar);
      }
    }
    if (loaded.isEmpty()) {
      return new Loaded(parent, List.of(), List.copyOf(skipped));
    }
    URL[] urls = loaded.stream().map(Plugins::url).toArray(URL[]::new);
    return new Loaded(new URLClassLoader("towerlab-plugins", urls, parent), List.copyOf(loaded),
        List.copyOf(skipped));
  }

  /** The module classes a jar lists in its service file (none for a library jar). */
  static List<String> modules(Path jar) {
    try (JarFile f = new JarFile(jar.toFile())) {
      ZipEntry e = f.getEntry(SERVICE);
      if (e == null) {
        return List.of();
      }
      try (InputStream in = f.getInputStream(e)) {
        return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
            .map(l -> l.replaceFirst("#.*$", "").strip()).filter(l -> !l.isEmpty()).toList();
      }
    } catch (IOException e) {
      throw new UserException("Cannot read the plugin jar " + jar + ": " + e.getMessage() + ". Rebuild it or remove it"
          + " from the plugin folder.", e);
    }
  }

  private static boolean loadable(String className, ClassLoader parent) {
    try {
      Class.forName(className, false, parent);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }
}
