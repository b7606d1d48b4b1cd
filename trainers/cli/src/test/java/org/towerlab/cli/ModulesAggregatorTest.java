package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modules are found inside the tree: {@code modules/pom.xml} lists exactly the folders of
 * {@code modules/} (generated; see {@link ModulesAggregator}), and the root pom lists none of them.
 */
class ModulesAggregatorTest {
  private static final Path ROOT = Path.of(System.getProperty("towerlab.repo.root"));

  @TempDir Path tmp;

  @Test
  void modulesPom_listsEveryModuleFolder() throws Exception {
    assertThat(Files.readString(ROOT.resolve("modules/pom.xml")))
        .as("modules/pom.xml is stale: run scripts/sync-modules.sh (./towerlab does it before building)")
        .isEqualTo(ModulesAggregator.expected(ROOT));
    assertThat(ModulesAggregator.folders(ROOT)).contains("baseline", "datasets", "dat");
  }

  @Test
  void rootPom_listsNoModuleFolder() throws Exception {
    assertThat(Files.readString(ROOT.resolve("pom.xml")))
        .as("list modules/<x> only in the generated modules/pom.xml (a module in both is built twice)")
        .doesNotContainPattern("<module>\\s*modules/");
  }

  @Test
  void syncScript_newFolder_writesWhatTheJavaSyncWrites() throws Exception {
    Path checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout.resolve("scripts"));
    Files.copy(ROOT.resolve("scripts/sync-modules.sh"), checkout.resolve("scripts/sync-modules.sh"));
    Files.createDirectories(checkout.resolve("modules"));
    Files.copy(ROOT.resolve("modules/pom.xml"), checkout.resolve("modules/pom.xml"));
    for (String m : new String[] {"zz-new", "baseline", "a-first", "no-pom"}) {
      Files.createDirectories(checkout.resolve("modules").resolve(m));
      if (!m.equals("no-pom")) {
        Files.writeString(checkout.resolve("modules").resolve(m).resolve("pom.xml"), "<project/>");
      }
    }
    String java = ModulesAggregator.expected(checkout);

    Process p = new ProcessBuilder("bash", checkout.resolve("scripts/sync-modules.sh").toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

    String script = Files.readString(checkout.resolve("modules/pom.xml"));
    assertThat(script).isEqualTo(java)
        .contains("  <modules>\n    <module>a-first</module>\n    <module>baseline</module>\n"
            + "    <module>zz-new</module>\n  </modules>")
        .doesNotContain("no-pom");
    assertThat(ModulesAggregator.sync(checkout)).as("already in sync").isFalse();
  }
}
