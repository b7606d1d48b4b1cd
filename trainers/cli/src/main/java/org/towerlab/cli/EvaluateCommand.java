package org.towerlab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.towerlab.trainers.ClusterBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code towerlab evaluate RUN_DIR --spark MASTER}: ranks the whole corpus for every query of a
 * finished run's test (or valid) part as a Spark job, with the run's {@code topk} settings, from
 * embeddings computed on the executors from the run's checkpoint or from the ones it exported.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
    description = {"Rank the corpus for a finished run's test queries as a Spark job (docs/scale.md) with the",
        "settings of its topk evaluator, and print the metrics beside the run's own. The executors rebuild the",
        "model from the run's effective config and best checkpoint and compute the embeddings (the default), or",
        "read the ones it exported (--embeddings exported: dot and cosine interactions). RUN_DIR and the run's",
        "data must be readable on every executor. Needs the towerlab-spark module."})
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand Towerlab parent;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A finished run's directory.")
  Path runDir;

  @Option(names = "--spark", required = true, paramLabel = "MASTER",
      description = "The Spark master: local[2], spark://host:7077, yarn.")
  String master;

  @Option(names = "--embeddings", paramLabel = "FROM", defaultValue = "computed",
      description = "computed (on the executors, from the checkpoint) or exported (default: ${DEFAULT-VALUE}).")
  String embeddings;

  @Option(names = "--part", defaultValue = "test", description = "test or valid (default: ${DEFAULT-VALUE}).")
  String part;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "8",
      description = "Query partitions, i.e. tasks (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() {
    if (!embeddings.equals("computed") && !embeddings.equals("exported")) {
      throw new org.towerlab.api.UserException("--embeddings must be computed or exported, got '" + embeddings + "'.");
    }
    Towerlab.cluster("spark", "evaluate --spark").evaluate(new ClusterBackend.EvaluateRequest(master, runDir, part,
        embeddings.equals("exported"), partitions), parent.out());
    return 0;
  }
}
