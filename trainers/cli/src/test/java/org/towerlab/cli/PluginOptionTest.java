package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/** {@code --plugins DIR} and {@code TOWERLAB_PLUGINS}: plugin modules join the registry with no TowerLab edit. */
class PluginOptionTest {
  @TempDir Path tmp;

  private static Cli.Result cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Towerlab(Registry::discover, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    return new Cli.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void components_pluginsAfterOrBeforeTheSubcommand_listsThePluginTower() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.module(dir, "Plugged", "plugged-tower");

    Cli.Result after = cli(Map.of(), "components", "--kind", "tower", "--plugins", dir.toString());
    Cli.Result before = cli(Map.of(), "--plugins", dir.toString(), "components", "--kind", "tower");
    Cli.Result none = cli(Map.of(), "components", "--kind", "tower");

    for (Cli.Result r : new Cli.Result[] {after, before}) {
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).contains("plugged-tower").contains("From a plugin jar").contains("module: plug.PluggedModule")
          .contains("mlp");
    }
    assertThat(none.out()).doesNotContain("plugged-tower");
  }

  @Test
  void components_pluginsFromTheEnvironment_areLoaded() throws Exception {
    Path jar = PluginJars.module(Files.createDirectories(tmp.resolve("p")), "FromEnv", "env-tower");

    Cli.Result r = cli(Map.of("TOWERLAB_PLUGINS", jar.toString()), "components", "--kind", "tower");

    assertThat(r.out()).as(r.toString()).contains("env-tower");
  }

  @Test
  void components_missingPluginFolder_exitTwo() {
    Cli.Result r = cli(Map.of(), "components", "--plugins", tmp.resolve("nope").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(tmp.resolve("nope").toAbsolutePath() + " does not exist").doesNotContain("\tat ");
  }

  @Test
  void reproduce_runMadeWithAPluginNotLoadedNow_exitTwoNamingTheModuleAndPlugins() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.writeString(run.resolve("effective-config.yaml"), "name: x\nmodel: {type: plugged-tower}\n");
    Files.writeString(run.resolve("metrics.json"), "{}");
    Files.writeString(run.resolve("provenance.json"),
        "{\"plugins\": [\"org.towerlab.modules.baseline.BaselineModule\", \"plug.PluggedModule\"]}");

    Cli.Result r = cli(Map.of(), "reproduce", run.toString(), "--out", tmp.resolve("out").toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("plug.PluggedModule").contains("--plugins").doesNotContain("BaselineModule")
        .doesNotContain("\tat ");
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
