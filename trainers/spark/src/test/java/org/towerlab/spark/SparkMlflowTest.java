package org.towerlab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.cli.MlflowTestServer;
import org.towerlab.cli.Towerlab;

/**
 * MLflow from executors: a 2-child grid on {@code local[2,2]} whose config tracks to a real MLflow
 * server, one child failing its first attempt. The server then holds one parent and exactly one run
 * per child (the retry reuses nothing and duplicates nothing), each child linked to the parent and
 * holding one point per (metric, step). Skipped without the MLflow venv or with
 * {@code -Dtowerlab.mlflow.skip=true}.
 */
class SparkMlflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void run_gridTrackedToMlflowOnLocal2_oneRunPerChildLinkedToTheParentWithoutDuplicatePoints() throws Exception {
    try (MlflowTestServer server = MlflowTestServer.start(dir.resolve("mlflow"))) {
      Path config = dir.resolve("grid.yaml");
      Files.writeString(config, """
          name: spark-mlflow
          seed: 1
          data: {type: simulator, n-users: 100, n-items: 50, interactions-per-user: 10, seed: 3}
          model: {type: two-tower, query-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8},
                  item-tower: {type: mlp, embedding-dim: 8, hidden: [], output-dim: 8}, interaction: {type: dot}}
          trainer: {type: plain, epochs: 3, batch-size: 128, monitor: recall@10}
          evaluators:
            - {type: topk, ks: [10]}
            - {type: flaky}
          tracking: {type: mlflow, uri: %s}
          grid:
            seed: [1, 2]
          """.formatted(server.uri));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
      int code = new Towerlab(Executors::registry, Map.of(), ps, ps)
          .execute("run", config.toString(), "--out", dir.resolve("runs").toString(), "--spark", "local[2,2]");
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();

      String expId = JSON.readTree(server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=spark-mlflow"))
          .path("experiment").path("experiment_id").asText();
      JsonNode runs = JSON.readTree(server.post("/api/2.0/mlflow/runs/search",
          "{\"experiment_ids\": [\"" + expId + "\"], \"max_results\": 50}")).path("runs");
      assertThat(runs.size()).as(runs.toString()).isEqualTo(3);
      Map<String, String> parentOf = new HashMap<>();
      for (JsonNode r : runs) {
        String parent = null;
        for (JsonNode t : r.path("data").path("tags")) {
          if (t.path("key").asText().equals("mlflow.parentRunId")) {
            parent = t.path("value").asText();
          }
        }
        parentOf.put(r.path("info").path("run_id").asText(), parent);
      }
      Set<String> parents = new HashSet<>(parentOf.values());
      parents.remove(null);
      assertThat(parents).hasSize(1);
      String parent = parents.iterator().next();
      assertThat(parentOf).containsEntry(parent, null);
      for (Map.Entry<String, String> e : parentOf.entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        JsonNode history = JSON.readTree(server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + e.getKey()
            + "&metric_key=valid/recall_at_10")).path("metrics");
        assertThat(history.size()).as(history.toString()).isEqualTo(3);
        Set<Long> steps = new HashSet<>();
        history.forEach(p -> steps.add(p.path("step").asLong()));
        assertThat(steps).hasSize(3);
      }
    }
  }
}
