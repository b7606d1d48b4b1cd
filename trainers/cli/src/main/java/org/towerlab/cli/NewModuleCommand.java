package org.towerlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.towerlab.api.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code towerlab new-module NAME}: a new module with one working component (a loss), its contract
 * test and an example config.
 *
 * <p>By default it is a researcher's own Maven project outside this repository (an external plugin:
 * it imports {@code towerlab-bom}, depends on {@code towerlab-api} and {@code towerlab-registry}
 * with scope provided and on {@code towerlab-api:test-jar} for the contract kit; {@code mvn verify}
 * builds the plugin jar, {@code towerlab run ... --plugins target/} uses it). With
 * {@code --in-tree} it is {@code modules/NAME} inside a TowerLab checkout, added to the modules
 * aggregator {@code modules/pom.xml} (see {@link ModulesAggregator}); the CLI finds its jar without
 * an edit to {@code trainers/cli/pom.xml}.
 */
@Command(name = "new-module", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
    description = {"Create a new TowerLab module: a Maven project (outside this repository by default) with one",
        "working loss component, its contract test (the api test kit) and an example config. Then:",
        "  cd DIR && mvn verify && towerlab run examples/NAME.yaml --plugins target/",
        "--in-tree creates modules/NAME in this checkout instead (no shared pom to edit)."})
final class NewModuleCommand implements Callable<Integer> {
  private static final String NAME_RULE = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

  @ParentCommand Towerlab parent;

  @Parameters(index = "0", paramLabel = "NAME", description = "Module and component name, short kebab-case (e.g. margin-softmax).")
  String name;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the project (default: ./towerlab-NAME; ignored with --in-tree).")
  Path dir;

  @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = "org.example",
      description = "Maven groupId of an external project (default: ${DEFAULT-VALUE}).")
  String groupId;

  @Option(names = "--package", paramLabel = "PACKAGE",
      description = "Java package (default: GROUP.NAME without dashes; org.towerlab.modules.NAME with --in-tree).")
  String javaPackage;

  @Option(names = "--in-tree", description = "Create modules/NAME inside the TowerLab checkout (--root) instead.")
  boolean inTree;

  @Option(names = "--root", paramLabel = "DIR",
      description = "The TowerLab checkout for --in-tree (default: the checkout this CLI runs from).")
  Path root;

  @Override
  public Integer call() {
    if (name == null || !name.matches(NAME_RULE)) {
      throw new UserException("towerlab new-module: NAME must be short kebab-case (" + NAME_RULE + "), got '" + name
          + "'. It becomes the component's type name, the module folder and part of the Java package.");
    }
    String flat = name.replace("-", "");
    String version = Towerlab.Version.version();
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("@@NAME@@", name);
    vars.put("@@CAMEL@@", camel(name));
    vars.put("@@TOWERLAB_VERSION@@", version);
    Path project;
    List<String[]> files = new ArrayList<>();
    if (inTree) {
      Path checkout = root != null ? root : repoRoot();
      if (!Files.isRegularFile(checkout.resolve("modules/pom.xml"))) {
        throw new UserException("towerlab new-module --in-tree: " + checkout.toAbsolutePath() + " is not a TowerLab"
            + " checkout (no modules/pom.xml). Pass --root with the checkout, or drop --in-tree to create an external"
            + " plugin project.");
      }
      project = checkout.resolve("modules").resolve(name);
      vars.put("@@PACKAGE@@", javaPackage != null ? javaPackage : "org.towerlab.modules." + flat);
      vars.put("@@ARTIFACT_ID@@", "towerlab-module-" + name);
      vars.put("@@GROUP_ID@@", "org.towerlab");
      vars.put("@@CONFIG_PATH@@", "examples/ml-100k/" + name + ".yaml");
      vars.put("@@PLUGINS_OPTION@@", "");
      files.add(new String[] {"pom-in-tree.xml.tmpl", "pom.xml"});
    } else {
      project = dir != null ? dir : Path.of("towerlab-" + name);
      vars.put("@@PACKAGE@@", javaPackage != null ? javaPackage : groupId + "." + flat);
      vars.put("@@ARTIFACT_ID@@", "towerlab-plugin-" + name);
      vars.put("@@GROUP_ID@@", groupId);
      vars.put("@@CONFIG_PATH@@", "examples/" + name + ".yaml");
      vars.put("@@PLUGINS_OPTION@@", " --plugins target/");
      files.add(new String[] {"pom-external.xml.tmpl", "pom.xml"});
      files.add(new String[] {"README.md.tmpl", "README.md"});
      files.add(new String[] {"gitignore.tmpl", ".gitignore"});
      files.add(new String[] {"example.yaml.tmpl", "examples/" + name + ".yaml"});
    }
    String pkg = vars.get("@@PACKAGE@@");
    if (!pkg.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*")) {
      throw new UserException("towerlab new-module: '" + pkg + "' is not a valid lower-case Java package; pass"
          + " --package (and --group-id) with one.");
    }
    String src = "src/main/java/" + pkg.replace('.', '/') + "/";
    String test = "src/test/java/" + pkg.replace('.', '/') + "/";
    String camel = vars.get("@@CAMEL@@");
    files.add(new String[] {"Module.java.tmpl", src + camel + "Module.java"});
    files.add(new String[] {"LossConfig.java.tmpl", src + camel + "LossConfig.java"});
    files.add(new String[] {"Loss.java.tmpl", src + camel + "Loss.java"});
    files.add(new String[] {"package-info.java.tmpl", src + "package-info.java"});
    files.add(new String[] {"services.tmpl", "src/main/resources/META-INF/services/org.towerlab.registry.TowerlabModule"});
    files.add(new String[] {"LossTest.java.tmpl", test + camel + "LossTest.java"});

    if (Files.exists(project) && !isEmptyDir(project)) {
      throw new UserException("towerlab new-module: " + project.toAbsolutePath() + " already exists and is not empty;"
          + " nothing was written. Choose another NAME or --dir.");
    }
    Path exampleConfig = inTree ? project.getParent().getParent().resolve("examples/ml-100k/" + name + ".yaml") : null;
    if (exampleConfig != null && Files.exists(exampleConfig)) {
      throw new UserException("towerlab new-module: " + exampleConfig.toAbsolutePath() + " already exists; nothing was"
          + " written. Choose another NAME.");
    }
    try {
      for (String[] f : files) {
        write(project.resolve(f[1]), render(f[0], vars));
      }
      if (exampleConfig != null) {
        write(exampleConfig, render("example.yaml.tmpl", vars));
        ModulesAggregator.sync(project.getParent().getParent());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the new module into " + project.toAbsolutePath(), e);
    }
    parent.out().println("Created " + (inTree ? "module " : "plugin project ") + project.toAbsolutePath() + " (loss '"
        + name + "', package " + pkg + ").");
    if (inTree) {
      parent.out().println("Added modules/" + name + " to modules/pom.xml. Next: ./towerlab run examples/ml-100k/" + name
          + ".yaml (builds it), and docs/methods/" + name + ".md (see docs/adding-a-component.md).");
    } else {
      parent.out().println("Next: cd " + project + " && mvn verify && towerlab run examples/" + name
          + ".yaml --plugins target/");
    }
    return 0;
  }

  static String camel(String kebab) {
    StringBuilder s = new StringBuilder();
    for (String part : kebab.split("-")) {
      s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return s.toString();
  }

  static String render(String template, Map<String, String> vars) throws IOException {
    try (InputStream in = NewModuleCommand.class.getResourceAsStream("scaffold/" + template)) {
      if (in == null) {
        throw new IllegalStateException("scaffold template " + template + " is missing from the jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> v : vars.entrySet()) {
        text = text.replace(v.getKey(), v.getValue());
      }
      return text;
    }
  }

  private static void write(Path file, String text) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static boolean isEmptyDir(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static Path repoRoot() {
    String r = System.getProperty("towerlab.repo.root");
    return r == null || r.isBlank() ? Path.of("") : Path.of(r);
  }
}
