package org.towerlab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Plugin jars made by a test (as in the registry's tests): Java sources compiled against the test's class path, then jarred. */
final class PluginJars {
  static final String SERVICE = "META-INF/services/org.towerlab.registry.TowerlabModule";

  private PluginJars() {}

  /** A plugin module {@code plug.<name>Module} registering the tower {@code type} (class not on the class path). */
  static Path module(Path dir, String name, String type) {
    String source = "package plug;\n"
        + "import org.towerlab.api.Kind;\n"
        + "import org.towerlab.api.config.ComponentConfig;\n"
        + "import org.towerlab.registry.TowerlabModule;\n"
        + "public final class " + name + "Module extends TowerlabModule {\n"
        + "  public record " + name + "Config(Integer size) implements ComponentConfig.Tower {\n"
        + "    public " + name + "Config { size = size == null ? 3 : size; }\n"
        + "  }\n"
        + "  @Override protected void configureComponents() {\n"
        + "    register(Kind.TOWER, \"" + type + "\", " + name + "Config.class, (c, ctx) -> c, \"From a plugin jar\");\n"
        + "  }\n"
        + "}\n";
    return jar(dir, name, Map.of("plug/" + name + "Module.java", source),
        Map.of(SERVICE, "plug." + name + "Module\n"));
  }

  /** Compiles {@code sources} (path to text) and jars the classes with {@code resources} into {@code dir/<name>.jar}. */
  static Path jar(Path dir, String name, Map<String, String> sources, Map<String, String> resources) {
    try {
      Path src = Files.createDirectories(dir.resolve(name + "-src"));
      Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
      List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp",
          System.getProperty("java.class.path"), "-proc:none"));
      for (Map.Entry<String, String> s : sources.entrySet()) {
        Path f = src.resolve(s.getKey());
        Files.createDirectories(f.getParent());
        Files.writeString(f, s.getValue());
        args.add(f.toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      if (javac.run(null, null, System.err, args.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("the plugin sources of the test do not compile");
      }
      for (Map.Entry<String, String> r : resources.entrySet()) {
        Path f = classes.resolve(r.getKey());
        Files.createDirectories(f.getParent());
        Files.writeString(f, r.getValue());
      }
      Path jar = dir.resolve(name + ".jar");
      try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
          Stream<Path> s = Files.walk(classes)) {
        for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          out.write(Files.readAllBytes(f));
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path text(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
