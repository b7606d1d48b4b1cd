package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/**
 * A small grid (a most-popular floor and a two-tower model, two seeds each) logged live to a real
 * MLflow server, read back as a Python user would see it in the UI: short run names, variant and
 * seed tags, the standard source tags and description, the dataset input, the best epoch's values,
 * the model (loaded with {@code mlflow.pyfunc.load_model} from the server), the registered model
 * versions and the parent's statistics; then synced to a second, empty server, where the grid keeps
 * its nesting, and synced again without sending anything.
 *
 * <p>Runs against the pinned 2.x server; against the 3.x server too with {@code -Dtowerlab.mlflow3=true}.
 */
class MlflowRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static final String CONFIG = """
      name: mlflow-ui
      seed: 1
      data:
        type: simulator
        n-users: 120
        n-items: 80
        protocol: {type: per-user-ratio}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
        item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      trainer: {type: plain, epochs: 4, batch-size: 128}
      evaluators:
        - {type: topk, ks: [5, 10]}
      tracking: {type: mlflow, uri: '${MLFLOW_URI}', register-model: tl-model}
      grid:
        variant:
          - {name: pop, model: {type: most-popular}}
          - {name: tt}
        seed: [1, 2]
      """;

  @ParameterizedTest(name = "mlflow {0}")
  @ValueSource(strings = {MlflowTestServer.V2, MlflowTestServer.V3})
  void run_grid_readsLikeAPythonUsersRunAndSyncsWithItsNesting(String version) throws Exception {
    Path runs = dir.resolve("runs");
    try (MlflowTestServer server = MlflowTestServer.start(dir.resolve("server"), version)) {
      Path config = dir.resolve("mlflow-ui.yaml");
      Files.writeString(config, CONFIG);
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("MLFLOW_URI", server.uri);
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = new Towerlab(Registry::discover, env, new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
          .execute("run", config.toString(), "--out", runs.toString());
      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

      Map<String, JsonNode> byName = runsByName(server);
      assertThat(byName).containsOnlyKeys("mlflow-ui (grid of 4)", "pop s1", "pop s2", "tt s1", "tt s2");
      // the experiment opens on the runs table in 3.x ("Model training"), not on the GenAI view
      assertThat(kv(JSON.readTree(server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=mlflow-ui"))
          .at("/experiment/tags"))).containsEntry("mlflow.experimentKind", "custom_model_development");
      JsonNode parent = byName.get("mlflow-ui (grid of 4)");
      String parentId = parent.at("/info/run_id").asText();
      assertThat(kv(parent.at("/data/params"))).containsEntry("grid.seed", "[1,2]").containsKey("model.type");
      Map<String, String> parentMetrics = kv(parent.at("/data/metrics"));
      assertThat(parentMetrics).containsKeys("tt/test/recall_at_10/mean", "tt/test/recall_at_10/ci95-low",
          "tt/test/recall_at_10/ci95-high", "pop/test/recall_at_10/mean");

      for (String name : List.of("pop s1", "pop s2", "tt s1", "tt s2")) {
        JsonNode r = byName.get(name);
        Map<String, String> tags = kv(r.at("/data/tags"));
        assertThat(tags).as(name).containsEntry("mlflow.parentRunId", parentId)
            .containsEntry("variant", name.substring(0, name.indexOf(' ')))
            .containsEntry("seed", name.substring(name.length() - 1))
            .containsEntry("mlflow.source.type", "LOCAL").containsEntry("mlflow.source.name", config.toString())
            .containsKey("mlflow.user").containsKey("mlflow.note.content");
        if (tags.containsKey("mlflow.source.git.commit")) {
          assertThat(tags.get("mlflow.source.git.commit")).matches("[0-9a-f]{40}");
        }
        JsonNode input = r.at("/inputs/dataset_inputs/0/dataset");
        assertThat(input.path("name").asText()).as(name).isEqualTo("simulator");
        assertThat(input.path("digest").asText()).hasSize(16);
        assertThat(input.path("profile").asText()).contains("\"train\"").contains("\"test\"");
        assertThat(input.path("schema").asText()).contains("mlflow_colspec").contains("\"query\"");
      }
      Map<String, String> pop = kv(byName.get("pop s1").at("/data/tags"));
      assertThat(pop).doesNotContainKeys("sampler", "loss", "trainer", "mlflow.log-model.history");
      assertThat(pop.get("mlflow.note.content")).startsWith("**most-popular**");
      JsonNode tt = byName.get("tt s1");
      Map<String, String> ttTags = kv(tt.at("/data/tags"));
      assertThat(ttTags).containsEntry("sampler", "in-batch").containsKey("mlflow.log-model.history");
      assertThat(ttTags.get("mlflow.note.content")).startsWith("**two-tower** (mlp / mlp, cosine t=0.1)");

      // the summary values are the kept (best) epoch's, logged at its step
      String ttId = tt.at("/info/run_id").asText();
      double best = history(server, ttId, "train/best-epoch").get(0)[1];
      assertThat(best).isBetween(1.0, 4.0);
      assertThat(history(server, ttId, "best/valid/recall_at_10")).extracting(p -> p[0]).containsExactly(best);
      assertThat(history(server, ttId, "test/recall_at_10")).extracting(p -> p[0]).containsExactly(best);
      assertThat(history(server, ttId, "valid/recall_at_10").size()).isGreaterThanOrEqualTo((int) best);

      // the model: MLflow loads it from the server and scores as the exported embeddings say
      List<String> files = artifacts(server, tt.at("/info/artifact_uri").asText(), "model");
      assertThat(files).contains("model/MLmodel", "model/code/towerlab_pyfunc.py", "model/data/items.npy",
          "model/data/queries.npy", "model/data/checkpoint/best.ckpt");
      Path local = localRunDir(runs, "tt s1");
      double[] expected = cosineScores(local.resolve("embeddings"), 0, new int[] {1, 2, 3}, 0.1);
      String out = python(version, server.uri, """
          import mlflow.pyfunc, pandas as pd
          m = mlflow.pyfunc.load_model("runs:/%s/model")
          r = m.predict(pd.DataFrame({"query": [0, 0, 0], "item": [1, 2, 3]}))
          print(" ".join(repr(float(x)) for x in r["score"]))
          top = m.predict(pd.DataFrame({"query": [0]}), params={"k": 3})
          print(" ".join(str(int(x)) for x in top["item"]))
          """.formatted(ttId));
      String[] lines = out.strip().split("\n");
      String[] scores = lines[lines.length - 2].split(" ");
      for (int i = 0; i < 3; i++) {
        assertThat(Double.parseDouble(scores[i])).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
      }
      assertThat(lines[lines.length - 1].split(" ")).hasSize(3);
      assertThat(registeredVersions(server, "tl-model")).hasSize(2);
    }

    // sync to a second, empty server: the grid keeps its nesting
    try (MlflowTestServer second = MlflowTestServer.start(dir.resolve("server2"), version)) {
      Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", second.uri);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = new Towerlab(Registry::discover, env, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
          .execute("mlflow", "sync", runs.toString());
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("5 runs: 5 created");
      Map<String, JsonNode> byName = runsByName(second);
      assertThat(byName).containsOnlyKeys("mlflow-ui (grid of 4)", "pop s1", "pop s2", "tt s1", "tt s2");
      String parentId = byName.get("mlflow-ui (grid of 4)").at("/info/run_id").asText();
      for (String name : List.of("pop s1", "pop s2", "tt s1", "tt s2")) {
        JsonNode r = byName.get(name);
        assertThat(kv(r.at("/data/tags"))).as(name).containsEntry("mlflow.parentRunId", parentId)
            .containsKey("variant");
        assertThat(r.at("/inputs/dataset_inputs/0/dataset/name").asText()).isEqualTo("simulator");
      }
      String ttId = byName.get("tt s1").at("/info/run_id").asText();
      assertThat(kv(byName.get("tt s1").at("/data/tags")).get("mlflow.log-model.history")).contains(ttId);
      assertThat(registeredVersions(second, "tl-model")).hasSize(2);

      ByteArrayOutputStream again = new ByteArrayOutputStream();
      assertThat(new Towerlab(Registry::discover, env, new PrintStream(again, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
          .execute("mlflow", "sync", runs.toString())).isZero();
      assertThat(again.toString(StandardCharsets.UTF_8)).contains("5 runs: 0 created, 0 completed, 5 up-to-date");
      assertThat(registeredVersions(second, "tl-model")).hasSize(2);
    }
  }

  // ------------------------------------------------------------------------------------------------

  static Map<String, JsonNode> runsByName(MlflowTestServer server) throws Exception {
    String expId = JSON.readTree(server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=mlflow-ui"))
        .at("/experiment/experiment_id").asText();
    JsonNode runs = JSON.readTree(server.post("/api/2.0/mlflow/runs/search",
        "{\"experiment_ids\": [\"" + expId + "\"], \"max_results\": 100}")).path("runs");
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode r : runs) {
      out.put(r.at("/info/run_name").asText(), r);
    }
    return out;
  }

  static Map<String, String> kv(JsonNode array) {
    Map<String, String> m = new HashMap<>();
    array.forEach(n -> m.put(n.path("key").asText(), n.path("value").asText()));
    return m;
  }

  static List<double[]> history(MlflowTestServer server, String runId, String key) throws Exception {
    List<double[]> out = new ArrayList<>();
    for (JsonNode m : JSON.readTree(server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key="
        + URLEncoder.encode(key, StandardCharsets.UTF_8))).path("metrics")) {
      out.add(new double[] {m.path("step").asDouble(), m.path("value").asDouble()});
    }
    return out;
  }

  static List<String> artifacts(MlflowTestServer server, String artifactUri, String sub) throws Exception {
    String root = artifactUri.substring("mlflow-artifacts:/".length());
    List<String> out = new ArrayList<>();
    List<String> dirs = new ArrayList<>(List.of(sub));
    while (!dirs.isEmpty()) {
      String d = dirs.remove(0);
      JsonNode res = JSON.readTree(server.get("/api/2.0/mlflow-artifacts/artifacts?path="
          + URLEncoder.encode(root + "/" + d, StandardCharsets.UTF_8)));
      for (JsonNode f : res.path("files")) {
        String p = d + "/" + f.path("path").asText();
        if (f.path("is_dir").asBoolean()) {
          dirs.add(p);
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  static List<JsonNode> registeredVersions(MlflowTestServer server, String name) throws Exception {
    JsonNode res = JSON.readTree(server.get("/api/2.0/mlflow/model-versions/search?filter="
        + URLEncoder.encode("name='" + name + "'", StandardCharsets.UTF_8)));
    List<JsonNode> out = new ArrayList<>();
    res.path("model_versions").forEach(out::add);
    return out;
  }

  /** The local run directory of the run whose MLflow name is {@code shortName}. */
  static Path localRunDir(Path runs, String shortName) throws Exception {
    try (var walk = Files.walk(runs, 3)) {
      for (Path tags : walk.filter(p -> p.getFileName().toString().equals("tags.json")).toList()) {
        if (shortName.equals(JSON.readTree(tags.toFile()).path("mlflow.runName").asText())) {
          return tags.getParent();
        }
      }
    }
    throw new AssertionError("no local run named " + shortName + " under " + runs);
  }

  /** cos(q, i) / t from the raw float32 files (an independent reading of the exported vectors). */
  static double[] cosineScores(Path emb, int query, int[] items, double t) throws Exception {
    JsonNode meta = JSON.readTree(emb.resolve("embeddings.json").toFile());
    int dim = meta.at("/items/dim").asInt();
    float[] q = row(emb.resolve("queries.f32"), query, dim);
    double[] out = new double[items.length];
    for (int k = 0; k < items.length; k++) {
      float[] v = row(emb.resolve("items.f32"), items[k], dim);
      double dot = 0;
      double nq = 1e-12;
      double nv = 1e-12;
      for (int d = 0; d < dim; d++) {
        dot += (double) q[d] * v[d];
        nq += (double) q[d] * q[d];
        nv += (double) v[d] * v[d];
      }
      out[k] = dot / Math.sqrt(nq) / Math.sqrt(nv) / t;
    }
    return out;
  }

  private static float[] row(Path file, int row, int dim) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = b.getFloat((row * dim + d) * 4);
    }
    return out;
  }

  /** Runs a Python snippet with the server's venv (MLFLOW_TRACKING_URI set); returns stdout. */
  static String python(String version, String uri, String code) throws Exception {
    Path py = MlflowTestServer.venvPython(version);
    ProcessBuilder pb = new ProcessBuilder(py.toString(), "-c", code).redirectErrorStream(false);
    pb.environment().put("MLFLOW_TRACKING_URI", uri);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }
}
