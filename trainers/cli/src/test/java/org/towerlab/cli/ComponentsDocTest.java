package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.towerlab.registry.Registry;

/** The component listing in the docs is generated ({@code towerlab components --markdown}), never pasted. */
class ComponentsDocTest {
  private static final Path ROOT = Path.of(System.getProperty("towerlab.repo.root"));

  @Test
  void componentsMd_equalsTheGeneratedListing() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = new Towerlab(Registry::discover, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).execute("components", "--markdown");

    assertThat(code).isZero();
    assertThat(Files.readString(ROOT.resolve("docs/components.md")))
        .as("docs/components.md is stale: regenerate it with " + ComponentsMarkdown.REGENERATE)
        .isEqualTo(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void docs_haveNoPastedComponentsOutput() throws Exception {
    try (Stream<Path> s = Stream.concat(Files.walk(ROOT.resolve("docs")), Stream.of(ROOT.resolve("README.md")))) {
      for (Path md : s.filter(p -> p.toString().endsWith(".md")).toList()) {
        assertThat(Files.readString(md)).as(md + ": link to docs/components.md instead of pasting the listing")
            .doesNotContainPattern("\\$ \\./towerlab components[^\\n]*\\n[a-z-]+ \\(\\d+\\)");
      }
    }
  }
}
