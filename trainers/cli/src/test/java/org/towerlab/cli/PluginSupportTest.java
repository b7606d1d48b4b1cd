package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Plugins;
import org.towerlab.registry.Registry;

/** In-tree modules that the distribution does not contain are loaded from their target/ jars. */
class PluginSupportTest {
  @TempDir Path tmp;

  @Test
  void inTreeModuleJars_builtNewModule_isFoundAndRegistered() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("modules/newmod/target"));
    Path built = PluginJars.module(target, "Newmod", "newmod-tower");
    Path jar = Files.move(built, target.resolve("towerlab-module-newmod-0.1.0-SNAPSHOT.jar"));
    Files.copy(jar, target.resolve("towerlab-module-newmod-0.1.0-SNAPSHOT-tests.jar"));
    Files.createDirectories(tmp.resolve("modules/unbuilt"));

    List<Path> jars = PluginSupport.inTreeModuleJars(tmp);
    Registry registry = Registry.discover(Plugins.load(jars, getClass().getClassLoader(), false).loader());

    assertThat(jars).containsExactly(jar);
    assertThat(registry.modules()).contains("plug.NewmodModule");
  }

  @Test
  void inTreeModuleJars_thisCheckout_areAllOnTheClassPathAlready() {
    Path checkout = Path.of(System.getProperty("towerlab.repo.root"));

    Plugins.Loaded loaded = Plugins.load(PluginSupport.inTreeModuleJars(checkout), getClass().getClassLoader(), false);

    assertThat(loaded.jars()).as("every built module of this checkout is a dependency of the CLI (trainers/cli)").isEmpty();
  }
}
