package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code towerlab new-module}: the files it writes (the build of such a project: ExternalPluginTest). */
class NewModuleCommandTest {
  @TempDir Path tmp;

  @Test
  void newModule_external_writesABomProjectWithLossTestAndConfig() throws Exception {
    Path dir = tmp.resolve("proj");

    Cli.Result r = Cli.run("new-module", "focal-x", "--dir", dir.toString(), "--group-id", "edu.lab");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("mvn verify && towerlab run examples/focal-x.yaml --plugins target/");
    String pom = Files.readString(dir.resolve("pom.xml"));
    assertThat(pom).contains("<artifactId>towerlab-bom</artifactId>").contains("<scope>import</scope>")
        .contains("<groupId>edu.lab</groupId>").contains("<artifactId>towerlab-plugin-focal-x</artifactId>")
        .contains("<type>test-jar</type>").contains("<towerlab.version>" + Towerlab.Version.version());
    Path src = dir.resolve("src/main/java/edu/lab/focalx");
    assertThat(Files.readString(src.resolve("FocalXModule.java")))
        .contains("register(Kind.LOSS, \"focal-x\", FocalXLossConfig.class");
    assertThat(src.resolve("FocalXLoss.java")).exists();
    assertThat(Files.readString(dir.resolve("src/main/resources/META-INF/services/org.towerlab.registry.TowerlabModule")))
        .isEqualTo("edu.lab.focalx.FocalXModule\n");
    assertThat(Files.readString(dir.resolve("src/test/java/edu/lab/focalx/FocalXLossTest.java")))
        .contains("class FocalXLossTest extends LossContract");
    assertThat(Files.readString(dir.resolve("examples/focal-x.yaml"))).contains("loss: {type: focal-x, margin: 0.1}")
        .contains("towerlab run examples/focal-x.yaml --plugins target/").doesNotContain("@@");
  }

  @Test
  void newModule_inTree_createsTheModuleAndAddsItToTheAggregator() throws Exception {
    Path checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout.resolve("modules/aaa"));
    Files.writeString(checkout.resolve("modules/aaa/pom.xml"), "<project/>");
    Files.copy(Path.of(System.getProperty("towerlab.repo.root"), "modules/pom.xml"), checkout.resolve("modules/pom.xml"));

    Cli.Result r = Cli.run("new-module", "zeta-loss", "--in-tree", "--root", checkout.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readString(checkout.resolve("modules/zeta-loss/pom.xml")))
        .contains("<artifactId>towerlab-module-zeta-loss</artifactId>").contains("<relativePath>../../pom.xml");
    assertThat(checkout.resolve("modules/zeta-loss/src/main/java/org/towerlab/modules/zetaloss/ZetaLossLoss.java"))
        .exists();
    assertThat(Files.readString(checkout.resolve("examples/ml-100k/zeta-loss.yaml"))).contains("type: zeta-loss");
    assertThat(Files.readString(checkout.resolve("modules/pom.xml")))
        .contains("    <module>aaa</module>\n    <module>zeta-loss</module>\n  </modules>")
        .doesNotContain("<module>baseline</module>");
  }

  @Test
  void newModule_existingNonEmptyDir_exitTwoWritesNothing() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("taken"));
    Files.writeString(dir.resolve("keep.txt"), "mine");

    Cli.Result r = Cli.run("new-module", "abc", "--dir", dir.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("already exists and is not empty");
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).containsExactly(dir.resolve("keep.txt"));
    }
  }

  @Test
  void newModule_badName_exitTwo() {
    Cli.Result r = Cli.run("new-module", "My_Loss", "--dir", tmp.resolve("x").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("NAME must be short kebab-case").contains("'My_Loss'");
    assertThat(tmp.resolve("x")).doesNotExist();
  }
}
