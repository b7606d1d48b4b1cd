package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/**
 * A researcher's plugin built outside this repository and run without editing any TowerLab file:
 * {@code towerlab new-module} writes the project into a temporary folder, {@code mvn -o package}
 * builds it against TowerLab's artifacts (BOM, api, api test-jar, registry) and runs its contract
 * test, and the CLI lists and trains the plugin's loss from {@code --plugins target/}.
 *
 * <p>Maven repository: the build must neither read stale TowerLab snapshots from nor write any into
 * the shared {@code ~/.m2}. It runs with {@code -Dmaven.repo.local} pointing at a temporary
 * repository whose entries are links to the shared one's third-party folders (offline, Maven only
 * reads them) and whose {@code org/towerlab} is a real folder. "Installing" TowerLab into it writes
 * exactly the files {@code mvn install} would (each module's pom.xml as is, the jar of its classes,
 * the api test-jar), copied from this build's {@code target/} folders: running {@code mvn install}
 * from the checkout inside this test would rebuild jars that are on the running test's class path.
 */
class ExternalPluginTest {
  @TempDir Path tmp;

  @Test
  void plugin_builtOutsideTheTree_listsAndTrainsWithoutEditingTowerlab() throws Exception {
    Path checkout = Path.of(System.getProperty("towerlab.repo.root"));
    Path project = tmp.resolve("margin-demo");
    Cli.Result scaffold = Cli.run("new-module", "margin-demo", "--dir", project.toString(), "--group-id", "org.example");
    assertThat(scaffold.code()).as(scaffold.toString()).isZero();

    Path repo = localRepository(tmp.resolve("m2"), checkout);
    Path buildLog = tmp.resolve("mvn.log");
    int code = mvn(project, repo, buildLog, "-o", "-B", "-ntp", "-Dmaven.repo.local=" + repo, "package");
    String log = Files.readString(buildLog);
    assertThat(code).as(log).isZero();
    Path jar = project.resolve("target/towerlab-plugin-margin-demo-0.1.0-SNAPSHOT.jar");
    assertThat(jar).as(log).exists();
    String report = Files.readString(project.resolve(
        "target/surefire-reports/org.example.margindemo.MarginDemoLossTest.txt"));
    // the kit's LossContract checks plus the scaffold's three; the contract skips its stop-gradient check for a
    // loss that declares none
    assertThat(report).containsPattern("Tests run: ([5-9]|\\d\\d+), Failures: 0, Errors: 0, Skipped: [01],");

    Cli.Result components = cli("components", "--kind", "loss", "--plugins", project.resolve("target").toString());
    assertThat(components.code()).as(components.toString()).isZero();
    assertThat(components.out()).contains("margin-demo").contains("Sampled softmax with an additive margin")
        .contains("org.example.margindemo.MarginDemoModule").containsPattern("margin +number +\\= 0\\.1");

    Path data = DataFixtures.ml100k(tmp.resolve("ml-100k"));
    Cli.Result run = cli("--plugins", project.resolve("target").toString(), "run",
        project.resolve("examples/margin-demo.yaml").toString(), "--set", "data.path='" + data + "'",
        "--set", "trainer.epochs=1", "--out", tmp.resolve("runs").toString());
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("| margin-demo |");

    Cli.Result without = cli("validate", project.resolve("examples/margin-demo.yaml").toString(), "--no-data");
    assertThat(without.code()).as("the loss exists only through --plugins: " + without).isEqualTo(2);
    assertThat(without.err()).contains("Unknown loss type 'margin-demo'");
  }

  /** The CLI with plugin discovery as in production (the registry is built after --plugins is read). */
  private static Cli.Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Towerlab(Registry::discover, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    return new Cli.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** See the class comment. */
  private static Path localRepository(Path repo, Path checkout) throws IOException {
    Path shared = Path.of(System.getProperty("towerlab.maven.repo"));
    Files.createDirectories(repo.resolve("org"));
    try (Stream<Path> top = Files.list(shared)) {
      for (Path e : top.toList()) {
        if (!e.getFileName().toString().equals("org")) {
          Files.createSymbolicLink(repo.resolve(e.getFileName().toString()), e);
        }
      }
    }
    try (Stream<Path> org = Files.list(shared.resolve("org"))) {
      for (Path e : org.toList()) {
        if (!e.getFileName().toString().equals("towerlab")) {
          Files.createSymbolicLink(repo.resolve("org").resolve(e.getFileName().toString()), e);
        }
      }
    }
    String v = Towerlab.Version.version();
    install(repo, "towerlab-parent", v, checkout.resolve("pom.xml"), null, null);
    install(repo, "towerlab-bom", v, checkout.resolve("bom/pom.xml"), null, null);
    install(repo, "towerlab-api", v, checkout.resolve("api/pom.xml"), checkout.resolve("api/target/classes"),
        checkout.resolve("api/target/test-classes"));
    install(repo, "towerlab-registry", v, checkout.resolve("registry/pom.xml"),
        checkout.resolve("registry/target/classes"), null);
    return repo;
  }

  private static void install(Path repo, String artifact, String version, Path pom, Path classes, Path testClasses)
      throws IOException {
    Path dir = Files.createDirectories(repo.resolve("org/towerlab").resolve(artifact).resolve(version));
    Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"));
    if (classes != null) {
      jar(classes, dir.resolve(artifact + "-" + version + ".jar"));
    }
    if (testClasses != null) {
      jar(testClasses, dir.resolve(artifact + "-" + version + "-tests.jar"));
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    assertThat(classes).as("built by this reactor before the CLI module").isDirectory();
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        Stream<Path> s = Files.walk(classes)) {
      for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
  }

  private static int mvn(Path dir, Path repo, Path log, String... args) throws Exception {
    String home = System.getProperty("towerlab.maven.home");
    Path mvn = home == null || home.isBlank() ? Path.of("mvn") : Path.of(home, "bin", "mvn");
    List<String> cmd = new ArrayList<>(List.of(mvn.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().remove("MAVEN_ARGS");
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
