package org.towerlab.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.towerlab.registry.Registry;

/** Runs the CLI in this JVM with the real components and captures its output. */
final class Cli {
  static final Registry REGISTRY = Registry.discover();

  /** What one command did. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private Cli() {}

  /**
   * The repository root: surefire sets {@code towerlab.repo.root}; without it, two levels above
   * this module's directory ({@code trainers/cli}), the tests' working directory.
   */
  static Path repoRoot() {
    String root = System.getProperty("towerlab.repo.root");
    return root != null && !root.isBlank() ? Path.of(root).toAbsolutePath()
        : Path.of("../..").toAbsolutePath().normalize();
  }

  /** The example configs: {@code examples/} at the repository root. */
  static Path examples() {
    return repoRoot().resolve("examples");
  }

  static Result run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Towerlab(() -> REGISTRY, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  /** Every regular file under {@code dir} (none when it does not exist). */
  static List<Path> files(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code dir} is absent or holds nothing at all (not even empty directories). */
  static boolean emptyOrAbsent(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
