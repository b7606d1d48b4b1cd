package org.towerlab.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.tracking.local.LocalRun;
import org.towerlab.tracking.plots.Plots;

/** Logs runs to a real MLflow server and reads them back through its REST API. */
class MlflowTrackerTest {
  @TempDir
  static Path tmp;
  static MlflowServer server;

  @BeforeAll
  static void startServer() {
    server = MlflowServer.start(tmp.resolve("server"), false);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private MlflowTracker tracker() {
    return new MlflowTracker(new MlflowTrackerConfig(server.uri, null, null), Map.of());
  }

  @Test
  void run_paramsMetricsTagsArtifacts_readBackExactly() throws Exception {
    Path runDir = tmp.resolve("runs/roundtrip/r1");
    Files.createDirectories(runDir);
    byte[] checkpoint = new byte[200_000];
    new java.util.SplittableRandom(7).nextBytes(checkpoint);
    Path ckpt = Files.write(runDir.resolve("model-0003.params"), checkpoint);
    Path outside = Files.writeString(tmp.resolve("leaderboard.csv"), "run,recall@20\nr1,0.31\n");
    String runId;
    try (MlflowTracker t = tracker()) {
      t.start(new RunSpec("roundtrip", "two-tower dim=32", "r1", runDir, null,
          Map.of("protocol", "ml100k-rs811-full", "towerlab.version", "0.1.0")));
      runId = t.runId();
      Map<String, String> params = new LinkedHashMap<>();
      params.put("model.query-tower.dims[0]", "64");
      params.put("loss.type", "sampled-softmax");
      params.put("long.value", "x".repeat(7000));
      for (int i = 0; i < 150; i++) { // more than one log-batch of params
        params.put("grid.p" + i, Integer.toString(i));
      }
      t.logParams(params);
      for (int epoch = 1; epoch <= 3; epoch++) {
        t.logMetrics(Map.of("train/loss", 1.0 / epoch, "valid/recall@20", 0.1 * epoch), epoch);
      }
      Map<String, Double> many = new LinkedHashMap<>();
      for (int i = 0; i < 1200; i++) { // more than one log-batch of metrics
        many.put("per-item/m" + i, (double) i);
      }
      t.logMetrics(many, 4);
      t.setTags(Map.of("git.commit", "deadbeef", "git.dirty", "true"));
      t.logArtifact(ckpt, "checkpoints");
      t.logArtifact(outside, "");
      t.finish("FINISHED");
      assertThat(t.online()).isTrue();
    }

    JsonNode run = Rest.run(server.uri, runId);
    assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
    assertThat(run.at("/info/run_name").asText()).isEqualTo("two-tower dim=32");
    Map<String, String> params = Rest.params(server.uri, runId);
    assertThat(params).containsEntry("model.query-tower.dims_0_", "64").containsEntry("loss.type", "sampled-softmax")
        .containsEntry("grid.p149", "149").hasSize(153);
    assertThat(params.get("long.value")).hasSize(MlflowGateway.MAX_PARAM_VALUE_LENGTH);
    assertThat(Rest.history(server.uri, runId, "valid/recall_at_20")).extracting(p -> p[0] + ":" + p[1])
        .containsExactly("1.0:0.1", "2.0:0.2", "3.0:0.30000000000000004");
    assertThat(Rest.history(server.uri, runId, "train/loss")).hasSize(3);
    assertThat(Rest.history(server.uri, runId, "per-item/m1199")).extracting(p -> p[1]).containsExactly(1199.0);
    assertThat(Rest.tags(server.uri, runId)).containsEntry("protocol", "ml100k-rs811-full")
        .containsEntry("git.commit", "deadbeef").containsEntry("towerlab.run_id", "r1")
        .containsEntry("mlflow.runName", "two-tower dim=32");
    String art = run.at("/info/artifact_uri").asText().substring("mlflow-artifacts:/".length());
    assertThat(Rest.bytes(server.uri, "mlflow-artifacts/artifacts/" + art + "/checkpoints/model-0003.params"))
        .isEqualTo(checkpoint);
    assertThat(Rest.bytes(server.uri, "mlflow-artifacts/artifacts/" + art + "/leaderboard.csv"))
        .isEqualTo(Files.readAllBytes(outside));
    MlflowState state = MlflowState.read(runDir);
    assertThat(state.complete).isTrue();
    assertThat(state.runId).isEqualTo(runId);
    assertThat(state.metrics).containsEntry("valid/recall@20", 3);
    assertThat(LocalRun.read(runDir).history()).hasSize(6 + 1200); // the local store has it all too
  }

  @Test
  void grid_parentAndChildren_areLinked() throws Exception {
    String parentId;
    Map<String, Map<Integer, Double>> recall = new LinkedHashMap<>();
    try (MlflowTracker parent = tracker()) {
      parent.start(new RunSpec("grid", "grid dim", "g", tmp.resolve("runs/grid/g"), null, Map.of("grid", "dim")));
      parentId = parent.runId();
      for (int dim : List.of(16, 32)) {
        try (MlflowTracker child = tracker()) {
          child.start(new RunSpec("grid", "dim=" + dim, "g-dim" + dim, tmp.resolve("runs/grid/g-dim" + dim), parentId,
              Map.of()));
          child.logParams(Map.of("model.dim", Integer.toString(dim)));
          Map<String, Double> m = Map.of("test/recall@10", dim / 100.0, "test/recall@20", dim / 80.0);
          child.logMetrics(m, 1);
          child.finish("FINISHED");
          recall.put("dim=" + dim, Plots.atK(m, "test/recall"));
        }
      }
      Path png = Plots.recallAtK("Recall@K", recall, tmp.resolve("runs/grid/g/recall-at-k.png"));
      parent.logArtifact(png, "plots");
      parent.finish("FINISHED");
    }

    List<String> ids = Rest.runIds(server.uri, "grid");
    assertThat(ids).hasSize(3).contains(parentId);
    long children = ids.stream().filter(id -> parentId.equals(Rest.tags(server.uri, id).get("mlflow.parentRunId")))
        .count();
    assertThat(children).isEqualTo(2);
    String art = Rest.run(server.uri, parentId).at("/info/artifact_uri").asText().substring("mlflow-artifacts:/".length());
    assertThat(Rest.bytes(server.uri, "mlflow-artifacts/artifacts/" + art + "/plots/recall-at-k.png"))
        .isEqualTo(Files.readAllBytes(tmp.resolve("runs/grid/g/recall-at-k.png")));
  }
}
