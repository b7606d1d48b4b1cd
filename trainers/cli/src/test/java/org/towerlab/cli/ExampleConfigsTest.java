package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped example config is valid: its components exist, its keys are known, its grid
 * expands and every run passes the config-level checks ({@code validate --no-data}). A method page
 * that quotes an example would otherwise rot silently when a component's config changes.
 */
class ExampleConfigsTest {
  /** The configs live in examples/ at the repository root, not in this module. */
  private static final Path EXAMPLES = Cli.examples();

  static Stream<Path> configs() {
    return Cli.files(EXAMPLES).stream()
        .filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith(".expected.yaml"))
        .filter(p -> !EXAMPLES.relativize(p).startsWith("target")
            && !EXAMPLES.relativize(p).startsWith("src"));
  }

  @Test
  void configs_found() {
    assertThat(configs().count()).isGreaterThanOrEqualTo(20);
  }

  @ParameterizedTest
  @MethodSource("configs")
  void validate_exampleConfig_ok(Path config) {
    Cli.Result r = Cli.run("validate", config.toString(), "--no-data");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("OK: ");
  }
}
