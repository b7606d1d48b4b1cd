package org.towerlab.api.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * Receives a run's parameters, metric histories, tags and artifacts. The local run store is one
 * tracker; MLflow is another. A tracker that loses its server keeps going (and says so once): a
 * run is never lost because a server was down.
 */
public interface Tracker extends AutoCloseable {

  /** Starts a run; {@code spec.parentRunId()} links a grid child to its parent. */
  void start(RunSpec spec);

  /** The tracker's id of the started run (the MLflow run id, or the local run id). */
  String runId();

  void logParams(Map<String, String> params);

  /** Metrics keyed as TowerLab names them ({@code valid/recall@20}); step = epoch or global step. */
  void logMetrics(Map<String, Double> metrics, long step);

  void setTags(Map<String, String> tags);

  /**
   * Records {@code file} as an artifact under {@code artifactDir} ("" for the root). Files already
   * inside the run directory are not copied again locally.
   */
  void logArtifact(Path file, String artifactDir);

  /**
   * Records the data set the run used. The local run store keeps it in {@code inputs.json}; MLflow
   * logs it as a dataset input. Trackers without such a notion ignore it.
   */
  default void logDataset(DatasetInput dataset) {}

  /**
   * Records a model directory ({@code MLmodel}, its data and code) under {@code artifactPath}: every
   * file of {@code modelDir} is logged as an artifact, keeping the sub-directories. MLflow also
   * records it as the run's model (and registers it when the tracker is configured to).
   */
  default void logModel(Path modelDir, String artifactPath) {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(modelDir)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
        Path rel = modelDir.relativize(f.getParent());
        String dir = rel.toString().isEmpty() ? artifactPath : artifactPath + "/" + rel.toString().replace('\\', '/');
        logArtifact(f, dir);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list the model directory " + modelDir + ": " + e.getMessage(), e);
    }
  }

  /** Ends the run with status FINISHED, FAILED or KILLED. */
  void finish(String status);

  @Override
  default void close() {}
}
