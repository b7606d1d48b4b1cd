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

  /** Ends the run with status FINISHED, FAILED or KILLED. */
  void finish(String status);

  @Override
  default void close() {}
}
