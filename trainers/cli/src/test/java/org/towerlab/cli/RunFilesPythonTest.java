package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/**
 * The run files other tools read, read by them: the documented Python script
 * ({@code docs/scripts/load_run.py}) loads and plots a fresh run with pandas and matplotlib, and
 * numpy loads the {@code .npy} embeddings with the shapes {@code embeddings.json} gives. Uses the
 * MLflow venv's python (it has numpy, pandas and matplotlib); skipped without it.
 */
class RunFilesPythonTest {
  @TempDir
  Path dir;

  @Test
  void loadRunScript_freshRun_loadsAndPlotsIt() throws Exception {
    Path python = MlflowTestServer.venvPython();
    Path config = Files.writeString(dir.resolve("py.yaml"), """
        name: py
        seed: 2
        data: {type: simulator, n-users: 80, n-items: 60, protocol: {type: per-user-ratio}}
        model:
          type: two-tower
          query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
          item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
          interaction: {type: cosine, temperature: 0.1}
        trainer: {type: plain, epochs: 2, batch-size: 128}
        evaluators: [{type: topk, ks: [20]}]
        """);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Towerlab(Registry::discover, Map.of(), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute("run", config.toString(), "--out", dir.resolve("runs").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Path run;
    try (var list = Files.list(dir.resolve("runs/py"))) {
      run = list.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    Path script = MlflowTestServer.repoRoot().resolve("docs/scripts/load_run.py");
    String out = python(python, script.toString(), run.toString());
    assertThat(out).contains("test recall@20").contains("'train'").contains("'test'");
    assertThat(run.resolve("run.png")).isNotEmptyFile();

    String shapes = python(python, "-c", "import numpy as np, json, sys; d = sys.argv[1]; m = json.load(open(d"
        + " + '/embeddings.json')); i = np.load(d + '/items.npy'); q = np.load(d + '/queries.npy');"
        + " assert i.shape == (m['items']['rows'], m['items']['dim']) and i.dtype == np.float32, i.shape;"
        + " assert np.array_equal(q, np.fromfile(d + '/queries.f32', dtype='<f4').reshape(q.shape));"
        + " print(i.shape, q.shape)", run.resolve("embeddings").toString());
    assertThat(shapes.strip()).isEqualTo("(60, 8) (80, 8)");
  }

  private static String python(Path python, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(python.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }
}
