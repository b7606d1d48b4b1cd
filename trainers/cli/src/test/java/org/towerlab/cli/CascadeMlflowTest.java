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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.registry.Registry;

/**
 * A three-stage cascade logged to a real MLflow server: the run is the parent of one child run per
 * stage, each with its own metric history, and the run carries the system's and every stage's test
 * metrics and costs. Synced to a second, empty server, the stage runs are children of the run there.
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
      """;

  @Test
  void run_cascade_logsOneChildRunPerStageUnderTheRun() throws Exception {
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
      assertThat(runs.size()).isEqualTo(4);
      String parent = null;
      Map<String, String> parentOf = new HashMap<>();
      Map<String, JsonNode> byStage = new HashMap<>();
      for (JsonNode r : runs) {
        String id = r.path("info").path("run_id").asText();
        String stage = null;
        String p = null;
        for (JsonNode t : r.path("data").path("tags")) {
          if (t.path("key").asText().equals("towerlab.stage")) {
            stage = t.path("value").asText();
          }
          if (t.path("key").asText().equals("mlflow.parentRunId")) {
            p = t.path("value").asText();
          }
        }
        if (stage == null) {
          parent = id;
          assertThat(r.path("data").path("metrics").toString()).contains("test/recall_at_10")
              .contains("test/ranker/recall_at_10").contains("cost/ranker/flops-per-pair");
        } else {
          byStage.put(stage, r);
          parentOf.put(stage, p);
        }
      }
      assertThat(byStage).containsOnlyKeys("retriever", "pre-ranker", "ranker");
      for (String stage : byStage.keySet()) {
        assertThat(parentOf.get(stage)).as("parent of %s", stage).isEqualTo(parent);
        assertThat(byStage.get(stage).path("data").path("metrics").toString()).contains("train/loss");
      }
    }
    try (MlflowTestServer second = MlflowTestServer.start(dir.resolve("server2"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = new Towerlab(Registry::discover, Map.of("MLFLOW_TRACKING_URI", second.uri),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8)).execute("mlflow", "sync", dir.resolve("runs").toString());
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("4 runs: 4 created");
      String expId = JSON.readTree(second.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=cascade-mlflow"))
          .path("experiment").path("experiment_id").asText();
      JsonNode runs = JSON.readTree(second.post("/api/2.0/mlflow/runs/search",
          "{\"experiment_ids\": [\"" + expId + "\"], \"max_results\": 50}")).path("runs");
      String parent = null;
      Map<String, String> parentOf = new HashMap<>();
      for (JsonNode r : runs) {
        Map<String, String> tags = new HashMap<>();
        r.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        if (tags.containsKey("towerlab.stage")) {
          parentOf.put(tags.get("towerlab.stage"), tags.get("mlflow.parentRunId"));
        } else {
          parent = r.path("info").path("run_id").asText();
        }
      }
      assertThat(parentOf).hasSize(3);
      for (Map.Entry<String, String> e : parentOf.entrySet()) {
        assertThat(e.getValue()).as("parent of %s on the second server", e.getKey()).isEqualTo(parent);
      }
    }
  }
}
