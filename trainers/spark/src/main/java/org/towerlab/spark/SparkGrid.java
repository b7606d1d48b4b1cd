package org.towerlab.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.tracking.Secrets;
import org.towerlab.tracking.mlflow.MlflowTrackerConfig;

/**
 * The children of a grid as the tasks of one Spark job: one partition, hence one task, per child.
 * The driver reserves each child's run directory in the store (so that a retried task resumes in
 * its own directory), ships {@link ChildTask}s and collects their metrics; the parent run, the
 * leaderboard and the summary are then written by {@link ExperimentRunner#runAll} as in a local
 * run. On a remote store the driver works in {@code staging}: it pulls each finished child's small
 * files there (metrics, per-query results, run.json; not checkpoints or embeddings) for the summary.
 */
final class SparkGrid implements ExperimentRunner.Children {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SparkSession spark;
  private final Registry registry;
  private final RunStore store;
  private final Path splitFrom;
  private final PrintStream console;
  private final Map<String, String> env;

  SparkGrid(SparkSession spark, Registry registry, RunStore store, Path splitFrom, PrintStream console,
      Map<String, String> env) {
    this.spark = spark;
    this.registry = registry;
    this.store = store;
    this.splitFrom = splitFrom;
    this.console = console;
    this.env = env;
  }

  @Override
  public List<ExperimentRunner.RunOutcome> run(List<LoadedRun> runs, Path expDir, boolean resume,
      String parentRunId) {
    return tasks(runs, expDir, resume, parentRunId, false);
  }

  /**
   * The trials of a {@code tune:} search as tasks of one job, as the children are: each trial
   * trains on its executor and is scored on the validation part only (no test metric is ever
   * computed for a trial, as locally); the driver chooses from their validation metrics.
   */
  @Override
  public List<ExperimentRunner.RunOutcome> runTrials(List<LoadedRun> trials, Path expDir, boolean resume,
      String parentRunId) {
    return tasks(trials, expDir, resume, parentRunId, true);
  }

  private List<ExperimentRunner.RunOutcome> tasks(List<LoadedRun> runs, Path expDir, boolean resume,
      String parentRunId, boolean trials) {
    String experiment = expDir.getFileName().toString();
    List<ChildTask> tasks = new ArrayList<>();
    for (LoadedRun run : runs) {
      String dirName = store.local() ? ExperimentRunner.reserveRunDir(expDir, run, resume).getFileName().toString()
          : store.reserve(experiment, ExperimentRunner.runId(run), resume, spark.sparkContext().hadoopConfiguration());
      String[] mlflow = mlflow(run);
      tasks.add(new ChildTask(run.source().toString(), json(run.effective()), json(run.raw()), json(run.gridValues()),
          store, experiment, dirName, parentRunId, splitFrom == null ? null : splitFrom.toAbsolutePath().toString(),
          mlflow[0], Boolean.parseBoolean(mlflow[1]), trials));
    }
    console.printf(Locale.ROOT, "== spark: %d %s as tasks on %s, run store %s%n", tasks.size(),
        trials ? "tuning trial(s)" : "run(s)", spark.sparkContext().master(), store.uri());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobDescription((trials ? "towerlab tune " : "towerlab grid ") + experiment);
    List<ChildTask.Result> results = jsc.parallelize(tasks, tasks.size()).map(ChildTask::call).collect();
    List<ExperimentRunner.RunOutcome> outcomes = new ArrayList<>();
    for (ChildTask.Result r : results) {
      Path dir = expDir.resolve(r.dirName());
      if (!store.local()) {
        store.pull(experiment + "/" + r.dirName(), dir, RunStore.LARGE, spark.sparkContext().hadoopConfiguration());
      }
      console.printf(Locale.ROOT, "   done: %s -> %s%n", r.name(), store.uri() + "/" + experiment + "/" + r.dirName());
      outcomes.add(new ExperimentRunner.RunOutcome(r.name(), r.runId(), dir, r.metrics(), null));
    }
    return outcomes;
  }

  /**
   * The MLflow server a child logs to ({@code {uri, insecure-tls}}, both null for none): the
   * tracking section's, or {@code MLFLOW_TRACKING_URI} for a local tracking section, as a local
   * run decides. Credentials in the URI are never shipped.
   */
  private String[] mlflow(LoadedRun run) {
    ComponentConfig.Tracker t = run.config().tracking();
    String fromEnv = env.get("MLFLOW_TRACKING_URI");
    if (t instanceof MlflowTrackerConfig m) {
      String uri = m.uri() != null ? m.uri() : fromEnv;
      return new String[] {uri == null ? null : Secrets.split(uri).uri(), String.valueOf(Boolean.TRUE.equals(m.insecureTls()))};
    }
    boolean local = t == null || registry.all().stream().anyMatch(r -> r.configClass() == t.getClass()
        && r.name().equals("local"));
    if (local && fromEnv != null && !fromEnv.isBlank()) {
      return new String[] {Secrets.split(fromEnv).uri(), "false"};
    }
    return new String[] {null, "false"};
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
