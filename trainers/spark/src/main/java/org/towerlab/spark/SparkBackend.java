package org.towerlab.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ClusterBackend;
import org.towerlab.trainers.ExperimentRunner;

/**
 * The {@code spark} cluster backend: {@code towerlab run CONFIG --spark MASTER} and
 * {@code towerlab bench --what spark-scale}. Found through {@link java.util.ServiceLoader} when this
 * module is on the class path; see {@code docs/scale.md}.
 */
public final class SparkBackend implements ClusterBackend {
  private final Map<String, String> env;

  public SparkBackend() {
    this(System.getenv());
  }

  SparkBackend(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "spark";
  }

  /**
   * Checks every run on the driver first (components, data, the dry pass: a user error still
   * stops everything before anything is written), then runs the grid with {@link SparkGrid}.
   */
  @Override
  public int runGrid(Registry registry, List<LoadedRun> runs, GridRequest request, PrintStream console) {
    RunStore store = new RunStore(request.store());
    ExperimentRunner runner = new ExperimentRunner(registry, console).splitFrom(request.splitFrom());
    String name = runs.isEmpty() ? "towerlab" : "towerlab " + runs.get(0).config().name();
    SparkSession spark = Sessions.get(request.master(), name, env);
    Path staging = null;
    try {
      Path outRoot;
      if (store.local()) {
        outRoot = store.path();
      } else {
        staging = Files.createTempDirectory("towerlab-driver-");
        outRoot = staging;
      }
      SparkGrid grid = new SparkGrid(spark, registry, store, request.splitFrom(), console, env);
      runner.runAll(runs, outRoot, request.resume(), grid);
      if (staging != null) {
        publishStaging(store, ExperimentRunner.experimentDir(outRoot, runs), spark);
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) { // a failed job's SparkException is thrown undeclared through Scala
      if (e instanceof org.apache.spark.SparkException se) {
        throw userErrorOf(se);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    } finally {
      spark.stop();
      if (staging != null) {
        Executors.deleteQuietly(staging);
      }
    }
  }

  /**
   * A task's user error (a data file an executor cannot read) as the user error it is, so the
   * command exits 2 with its message; anything else unchanged.
   */
  static RuntimeException userErrorOf(org.apache.spark.SparkException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.towerlab.api.UserException u) {
        return new org.towerlab.api.UserException("A Spark task failed: " + u.getMessage(), e);
      }
    }
    return new IllegalStateException(e.getMessage(), e);
  }

  /** Pushes what the driver wrote in its staging experiment directory (parent, leaderboard) to the store. */
  private static void publishStaging(RunStore store, Path expDir, SparkSession spark) throws IOException {
    try (Stream<Path> dirs = Files.list(expDir)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        store.push(d, expDir.getFileName() + "/" + d.getFileName(), spark.sparkContext().hadoopConfiguration());
      }
    }
  }

  /**
   * Runs {@link SparkSplit} in a session on {@code master}; a session that already existed in this
   * JVM (a test's, or an application's that calls the CLI) is used and left running.
   */
  @Override
  public long[] split(String master, SplitRequest r, PrintStream console) {
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = Sessions.get(master, "towerlab data split", env);
    try {
      org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(r.out());
      if (out.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(out)) {
        throw new org.towerlab.api.UserException("The split's output " + r.out() + " exists already; 'towerlab data"
            + " split' never overwrites: remove it or choose another --out.");
      }
      console.printf(java.util.Locale.ROOT, "== spark: splitting %s on %s%n", r.input(), spark.sparkContext().master());
      return SparkSplit.run(spark, new SparkSplit.Request(r.input(), r.out(), r.queryColumn(), r.itemColumn(),
          r.timestampColumn(), r.labels(), r.validRatio(), r.testRatio(), r.seed(), r.partFiles()));
    } catch (Exception e) { // a failed job's SparkException and AnalysisException are thrown undeclared
      if (e instanceof org.towerlab.api.UserException u) {
        throw u;
      }
      if (e instanceof org.apache.spark.sql.AnalysisException a) {
        throw new org.towerlab.api.UserException("Cannot split " + r.input() + ": " + a.getSimpleMessage()
            + " (check the path and that it is Parquet; an existing --out directory is never overwritten).", a);
      }
      if (e instanceof org.apache.spark.SparkException se) {
        throw userErrorOf(se);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }

  @Override
  public Map<String, Double> evaluate(EvaluateRequest r, PrintStream console) {
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = Sessions.get(r.master(), "towerlab evaluate", env);
    try {
      return RunEvaluation.run(spark, r, console);
    } catch (Exception e) { // a failed job's SparkException is thrown undeclared through Scala
      if (e instanceof org.apache.spark.SparkException se) {
        throw userErrorOf(se);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }

  @Override
  public void bench(String master, Map<String, String> options, PrintStream out) {
    SparkSession spark = Sessions.get(master, "towerlab bench spark-scale", env);
    try {
      ScaleBench.run(spark, options, out);
    } finally {
      spark.stop();
    }
  }
}
