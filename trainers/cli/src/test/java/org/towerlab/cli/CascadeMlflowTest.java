package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/**
 * A comparison of two three-stage cascades (a grid of two variants, as in the cascade-compare
 * configs) logged to a real MLflow server: one grid run, parent of one run per cascade, each the
 * parent of one child run per stage with its own metric history; every cascade run carries the
 * system's and every stage's test metrics and costs. Synced to a second, empty server, the same
 * nesting holds there.
 */
class CascadeMlflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static final String CONFIG = """
      name: cascade-mlflow
      seed: 3
      data:
        type: simulator
        n-users: 200
        n-items: 150
        relevance-bias: -2
        cascade: {requests-per-user: 3, retrieved: 40, pre-ranked: 10}
        protocol: {type: per-user-ratio, unit: request}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
        item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      loss:
        type: weighted-sum
        terms:
          - {loss: {type: sampled-softmax}}
          - {loss: {type: distill-kl}}
      trainer:
        type: cascade
        stages:
          - name: retriever
            model:
              type: two-tower
              query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              interaction: {type: dot}
            loss: {type: sampled-softmax, logq-correction: true}
            train: {type: plain, epochs: 1, batch-size: 128}
            keep: 40
          - name: pre-ranker
            teacher: ranker
            train: {type: plain, epochs: 1, batch-size: 128}
            keep: 10
          - name: ranker
            model:
              type: two-tower
              query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              interaction: {type: dnn, hidden: [8]}
            loss: {type: bce}
            train: {type: plain, epochs: 1, batch-size: 128, monitor: auc}
      evaluators:
        - {type: topk, ks: [10]}
        - {type: truth, ks: [10]}
        - {type: pointwise}
        - {type: cascade, scorer: pre-ranker, reference: ranker, candidates: retriever, candidate-size: 40,
           ms: [10], ks: [5]}
      tracking: {type: mlflow, uri: '${MLFLOW_URI}'}
      grid:
        variant:
          - {name: cosine}
          - {name: dot, model.interaction: {type: dot}}
      """;

  @Test
  void run_gridOfCascades_nestsGridCascadeAndStageRuns() throws Exception {
    try (MlflowTestServer server = MlflowTestServer.start(dir.resolve("server"))) {
      Path config = dir.resolve("cascade.yaml");
      Files.writeString(config, CONFIG);
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("MLFLOW_URI", server.uri);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = new Towerlab(Registry::discover, env, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8))
          .execute("run", config.toString(), "--out", dir.resolve("runs").toString());
      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

      JsonNode exp = JSON.readTree(server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=cascade-mlflow"));
      String expId = exp.path("experiment").path("experiment_id").asText();
      JsonNode runs = JSON.readTree(server.post("/api/2.0/mlflow/runs/search",
          "{\"experiment_ids\": [\"" + expId + "\"], \"max_results\": 50}")).path("runs");
      assertThat(runs.size()).isEqualTo(9);
      assertNesting(runs, "first server");
    }
    try (MlflowTestServer second = MlflowTestServer.start(dir.resolve("server2"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = new Towerlab(Registry::discover, Map.of("MLFLOW_TRACKING_URI", second.uri),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8)).execute("mlflow", "sync", dir.resolve("runs").toString());
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("9 runs: 9 created");
      String expId = JSON.readTree(second.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=cascade-mlflow"))
          .path("experiment").path("experiment_id").asText();
      JsonNode runs = JSON.readTree(second.post("/api/2.0/mlflow/runs/search",
          "{\"experiment_ids\": [\"" + expId + "\"], \"max_results\": 50}")).path("runs");
      assertThat(runs.size()).isEqualTo(9);
      assertNesting(runs, "second server");
    }
  }

  /** One grid run (no parent) -> two cascade runs (variant tag) -> three stage runs each (towerlab.stage tag). */
  private static void assertNesting(JsonNode runs, String where) {
    Map<String, Map<String, String>> tagsOf = new HashMap<>();
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode r : runs) {
      Map<String, String> tags = new HashMap<>();
      r.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
      String id = r.path("info").path("run_id").asText();
      tagsOf.put(id, tags);
      byId.put(id, r);
    }
    List<String> roots = tagsOf.entrySet().stream().filter(e -> !e.getValue().containsKey("mlflow.parentRunId"))
        .map(Map.Entry::getKey).toList();
    assertThat(roots).as("grid runs on the %s", where).hasSize(1);
    String grid = roots.get(0);
    Map<String, String> cascadeByVariant = new HashMap<>();
    tagsOf.forEach((id, tags) -> {
      if (grid.equals(tags.get("mlflow.parentRunId"))) {
        assertThat(tags).as("a cascade run on the %s", where).doesNotContainKey("towerlab.stage");
        cascadeByVariant.put(tags.get("variant"), id);
        assertThat(byId.get(id).path("data").path("metrics").toString()).contains("test/recall_at_10")
            .contains("test/ranker/recall_at_10").contains("cost/ranker/flops-per-pair");
      }
    });
    assertThat(cascadeByVariant).as("cascade runs under the grid on the %s", where).containsOnlyKeys("cosine", "dot");
    for (String cascade : cascadeByVariant.values()) {
      Map<String, JsonNode> stages = new HashMap<>();
      tagsOf.forEach((id, tags) -> {
        if (cascade.equals(tags.get("mlflow.parentRunId"))) {
          stages.put(tags.get("towerlab.stage"), byId.get(id));
        }
      });
      assertThat(stages).as("stage runs of %s on the %s", cascade, where)
          .containsOnlyKeys("retriever", "pre-ranker", "ranker");
      stages.values().forEach(st -> assertThat(st.path("data").path("metrics").toString()).contains("train/loss"));
    }
  }
}
