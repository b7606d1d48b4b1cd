package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a machine with no data folder: {@code towerlab run
 * examples/quickstart.yaml} in a new JVM whose home is empty, outside any checkout, with no
 * {@code TOWERLAB_DATA}, downloads ML-100K (here: a generated archive in the ML-100K format, from a
 * data host on 127.0.0.1 named by a catalog file) into {@code ~/.cache/towerlab/data}, verifies it
 * and runs.
 */
class FreshMachineTest {
  @TempDir Path tmp;

  @Test
  void runQuickstart_noDataFolder_fetchesIntoTheCacheAndRuns() throws Exception {
    byte[] archive = FetchServer.zipFolder(DataFixtures.ml100k(tmp.resolve("src")), "ml-100k");
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path quickstart = Path.of(System.getProperty("towerlab.repo.root"), "examples/quickstart.yaml");
    Path log = tmp.resolve("log.txt");
    try (FetchServer server = new FetchServer().serve("/ml-100k.zip", archive)) {
      Path catalog = FetchServer.catalog(tmp.resolve("catalog.yaml"), "ml-100k", server.url("/ml-100k.zip"), archive);
      List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Duser.home=" + home,
          // DJL's native library stays where the other tests extracted it (not under the empty home)
          "-DDJL_CACHE_DIR=" + Path.of(System.getProperty("user.home"), ".djl.ai"),
          "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
          "-Xmx1g", "-cp", System.getProperty("java.class.path"), Towerlab.class.getName(),
          "run", quickstart.toString(), "--set", "trainer.epochs=1", "--out", work.resolve("runs").toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("TOWERLAB_") || k.startsWith("MLFLOW_"));
      env.put("TOWERLAB_DATA_CATALOG", catalog.toString());
      Process p = pb.start();
      boolean ended = p.waitFor(15, TimeUnit.MINUTES);
      if (!ended) {
        p.destroyForcibly();
      }
      String out = Files.readString(log);

      assertThat(ended).as(out).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      Path dir = home.resolve(".cache/towerlab/data/ml-100k");
      assertThat(out).contains("Data set ml-100k is not in " + dir + "; downloading it")
          .contains("Licence terms of ml-100k: MovieLens usage licence")
          .contains("| quickstart[model=two-tower] |");
      assertThat(dir.resolve("u.data")).hasSameBinaryContentAs(tmp.resolve("src/u.data"));
      assertThat(Files.readString(dir.resolve(".towerlab-fetch.json"))).contains(FetchServer.sha256(archive));
    }
  }
}
