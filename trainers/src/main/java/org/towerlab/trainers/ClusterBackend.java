package org.towerlab.trainers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.LoadedRun;

/**
 * A cluster that runs the children of a grid and corpus-scale jobs: the {@code --spark} option of
 * the command line. Implementations live in their own modules (the Spark one in
 * {@code trainers/spark}) and are found through {@link ServiceLoader}
 * ({@code META-INF/services/org.towerlab.trainers.ClusterBackend}), so the core modules never
 * depend on a cluster framework and a local run loads none of its classes.
 */
public interface ClusterBackend {
  /** The backend's name: {@code spark}. */
  String name();

  /** What a distributed grid needs besides the runs. */
  record GridRequest(String master, String store, boolean resume, Path splitFrom) {}

  /**
   * Runs every run of a config on the cluster at {@code request.master()}: one task per run, the
   * run store at {@code request.store()} (a path or a URI every executor can reach); the parent,
   * leaderboard and summary are written by the calling process as in a local run.
   *
   * @return the process exit code
   */
  int runGrid(Registry registry, List<LoadedRun> runs, GridRequest request, PrintStream console);

  /**
   * Runs the backend's benchmarks with {@code options} (name to value) and prints a Markdown
   * table to {@code out}.
   */
  void bench(String master, java.util.Map<String, String> options, PrintStream out);

  /**
   * What {@link #split} needs: the log (a Parquet file or directory, any Hadoop URI), the output
   * directory, the raw key columns, the optional timestamp column (null: none), the label columns
   * kept, the valid and test ratios per query, the seed of the row order and the number of part
   * files written.
   */
  record SplitRequest(String input, String out, String queryColumn, String itemColumn, String timestampColumn,
      List<String> labels, double validRatio, double testRatio, long seed, int partFiles) {}

  /**
   * Splits a large interaction log on the cluster at {@code master} into train, valid and test
   * parts with dense ids, written where the single-machine trainer reads them ({@code data: {type:
   * parquet, path: <out>/log}} with the {@code given} protocol).
   *
   * @return the rows per part: {@code [train, valid, test]}
   */
  long[] split(String master, SplitRequest request, PrintStream console);

  /**
   * What {@link #evaluate} needs: a finished run's directory (readable by every executor), the
   * part to rank ({@code test} or {@code valid}), whether to read the embeddings the run exported
   * instead of computing them on the executors from its checkpoint, and the number of query
   * partitions.
   */
  record EvaluateRequest(String master, Path runDir, String part, boolean exported, int partitions) {}

  /**
   * Ranks the corpus for every query of a finished run's split part on the cluster with the run's
   * {@code topk} evaluator settings, prints the metrics beside the run's own and returns them
   * (keys without the part prefix).
   */
  java.util.Map<String, Double> evaluate(EvaluateRequest request, PrintStream console);

  /** The backend called {@code name} on the class path, if any. */
  static Optional<ClusterBackend> find(String name) {
    for (ClusterBackend b : ServiceLoader.load(ClusterBackend.class)) {
      if (b.name().equals(name)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
