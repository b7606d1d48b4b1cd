package org.towerlab.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;

class PluginsTest {
  @TempDir Path tmp;

  private static ClassLoader parent() {
    return PluginsTest.class.getClassLoader();
  }

  @Test
  void load_folderWithPluginJar_registryDiscoversItsComponents() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.module(dir, "Plugged", "plugged");

    Plugins.Loaded loaded = Plugins.load(List.of(dir), parent(), true);
    Registry registry = Registry.discover(loaded.loader());

    assertThat(loaded.jars()).containsExactly(dir.resolve("Plugged.jar").toAbsolutePath());
    assertThat(registry.names(Kind.TOWER)).contains("plugged", "discovered");
    assertThat(registry.modules()).contains("plug.PluggedModule", DiscoveredModule.class.getName());
  }

  @Test
  void load_jarWhoseModuleIsOnTheClassPath_isSkipped() {
    Path jar = PluginJars.jar(tmp, "dup", Map.of("x/Dummy.java", "package x; public class Dummy {}"),
        Map.of(Plugins.SERVICE, DiscoveredModule.class.getName() + "\n"));

    Plugins.Loaded loaded = Plugins.load(List.of(jar), parent(), true);

    assertThat(loaded.jars()).isEmpty();
    assertThat(loaded.skipped()).containsExactly(jar.toAbsolutePath());
    assertThat(loaded.loader()).isSameAs(parent());
  }

  @Test
  void load_libraryJarWithoutModules_isOnTheLoader() throws Exception {
    Path lib = PluginJars.jar(tmp, "lib", Map.of("lib/Helper.java", "package lib; public class Helper {}"), Map.of());

    Plugins.Loaded loaded = Plugins.load(List.of(lib), parent(), true);

    assertThat(loaded.loader().loadClass("lib.Helper")).isNotNull();
  }

  @Test
  void load_missingLocation_isAnErrorOnlyWhenItMustExist() {
    Path missing = tmp.resolve("nope");

    assertThat(Plugins.load(List.of(missing), parent(), false).jars()).isEmpty();
    assertThatThrownBy(() -> Plugins.load(List.of(missing), parent(), true)).isInstanceOf(UserException.class)
        .hasMessageContaining(missing.toAbsolutePath() + " does not exist");
  }

  @Test
  void load_fileThatIsNotAJar_isRefused() {
    Path txt = PluginJars.text(tmp.resolve("notes.txt"), "x");

    assertThatThrownBy(() -> Plugins.load(List.of(txt), parent(), true)).isInstanceOf(UserException.class)
        .hasMessageContaining("is a file but not a .jar");
  }

  @Test
  void discover_twoJarsRegisteringOneName_failsNamingBothModules() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.module(dir, "First", "same");
    PluginJars.module(dir, "Second", "same");

    ClassLoader loader = Plugins.load(List.of(dir), parent(), true).loader();

    assertThatThrownBy(() -> Registry.discover(loader)).isInstanceOf(UserException.class)
        .hasMessageContaining("plug.FirstModule").hasMessageContaining("plug.SecondModule");
  }
}
