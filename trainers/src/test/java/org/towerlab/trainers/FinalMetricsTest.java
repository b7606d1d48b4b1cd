package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainResult;

class FinalMetricsTest {

  @Test
  void log_earlyStoppedRun_keptModelsValuesAtTheBestEpochsStep() {
    Map<Long, Map<String, Double>> logged = new LinkedHashMap<>();
    Tracker t = new Tracker() {
      @Override public void start(RunSpec spec) {}
      @Override public String runId() { return "r"; }
      @Override public void logParams(Map<String, String> params) {}
      @Override public void logMetrics(Map<String, Double> metrics, long step) { logged.put(step, metrics); }
      @Override public void setTags(Map<String, String> tags) {}
      @Override public void logArtifact(Path file, String artifactDir) {}
      @Override public void finish(String status) {}
    };
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("valid/recall@20", 0.34);
    metrics.put("test/recall@20", 0.36);
    metrics.put("train/best-epoch", 9.0);
    FinalMetrics.log(t, metrics, new TrainResult(12, 9, 0.34, Map.of()));
    assertThat(logged).containsOnlyKeys(9L);
    assertThat(logged.get(9L)).containsEntry("best/valid/recall@20", 0.34).containsEntry("test/recall@20", 0.36)
        .doesNotContainKey("valid/recall@20");
  }
}
