package org.towerlab.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.tracking.mlflow.MlflowCredentials;
import org.towerlab.tracking.mlflow.MlflowSync;

/**
 * One child of a grid as a Spark task: what the driver ships (the child's effective config as JSON,
 * its run directory's name, the parent run id) and what the executor runs with it.
 *
 * <p>The executor binds the effective config again (the same tree gives the same run id, checked),
 * runs the child with {@link ExperimentRunner#runChild} into the directory the driver reserved
 * (always resuming: a retried attempt continues from the checkpoint its predecessor left and
 * replaces, never duplicates, metric points), with the local run store as its only tracker, then
 * pushes the finished run to MLflow with {@link MlflowSync} when the run asked for MLflow (one
 * MLflow run per child whatever the attempts, its parent link kept) and, on a remote store,
 * publishes the directory.
 *
 * @param effective the child's effective config (JSON, credentials not masked: executors need them)
 * @param raw the child's config tree before defaults (JSON), recorded in {@code config.yaml}
 * @param gridValues the child's grid values (JSON object)
 * @param dirName the run directory's name under {@code <store>/<experiment>/}
 * @param trial a trial of a {@code tune:} search: validation only ({@link ExperimentRunner#runTrial})
 * @param mlflowUri the MLflow server (credentials masked) or null; credentials come from the
 *     executor's environment ({@code MLFLOW_TRACKING_USERNAME}/{@code _PASSWORD}/{@code _TOKEN})
 */
record ChildTask(String source, String effective, String raw, String gridValues, RunStore store, String experiment,
    String dirName, String parentRunId, String splitFrom, String mlflowUri, boolean insecureTls, boolean trial)
    implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(ChildTask.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the driver collects: the outcome of one child. */
  record Result(String name, String runId, String dirName, LinkedHashMap<String, Double> metrics)
      implements Serializable {}

  /** Runs the child on this executor. */
  Result call() {
    Executors.taskThread();
    Registry registry = Executors.registry();
    LoadedRun run = load(registry);
    Configuration conf = Executors.hadoopConf();
    Path scratch = null;
    Path dir;
    if (store.local()) {
      dir = store.path().resolve(experiment).resolve(dirName);
    } else {
      try {
        scratch = Files.createTempDirectory("towerlab-task-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      dir = scratch.resolve(dirName);
      store.pull(experiment + "/" + dirName, dir, Set.of(), conf); // what an earlier attempt published
    }
    ExperimentRunner runner = new ExperimentRunner(registry, System.out).localTrackingOnly(true)
        .splitFrom(splitFrom == null ? null : Path.of(splitFrom));
    ExperimentRunner.RunOutcome outcome = trial ? runner.runTrial(run, dir, parentRunId)
        : runner.runChild(run, dir, parentRunId);
    if (mlflowUri != null) {
      MlflowSync.Summary s = MlflowSync.sync(List.of(dir), mlflowUri, MlflowCredentials.fromEnv(), insecureTls);
      if (s.count("failed") > 0) {
        LOG.warn("MLflow sync of {} incomplete ({}); the local run is complete, 'towerlab mlflow sync' sends the rest",
            dir, s);
      }
    }
    if (scratch != null) {
      store.push(dir, experiment + "/" + dirName, conf);
      Executors.deleteQuietly(scratch);
    }
    return new Result(outcome.name(), outcome.runId(), dirName, new LinkedHashMap<>(outcome.metrics()));
  }

  private LoadedRun load(Registry registry) {
    try {
      JsonNode eff = JSON.readTree(effective);
      ExperimentConfig cfg = new ConfigLoader(registry).bind(eff, source);
      JsonNode rebound = registry.effective(cfg);
      if (!rebound.toString().equals(eff.toString())) { // the run id hashes this text
        throw new IllegalStateException("the effective config of run " + cfg.run() + " binds to another tree on this"
            + " executor (different TowerLab versions on the driver and the executors?): " + rebound + " instead of "
            + eff);
      }
      Map<String, Object> grid = JSON.readValue(gridValues, new TypeReference<LinkedHashMap<String, Object>>() {});
      return new LoadedRun(Path.of(source), cfg, JSON.readTree(raw), rebound, grid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
