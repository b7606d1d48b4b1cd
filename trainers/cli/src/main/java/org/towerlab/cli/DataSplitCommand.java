package org.towerlab.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.towerlab.api.UserException;
import org.towerlab.trainers.ClusterBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code towerlab data split --spark MASTER --input LOG --out DIR}: splits a large Parquet log with
 * Spark ({@code org.towerlab.spark.SparkSplit}) into dense ids and per-query train, valid and test
 * parts, and prints the {@code data:} section with which the single-machine trainer reads them.
 */
@Command(name = "split", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
    description = {"Split a large interaction log (Parquet, any Hadoop URI) with Spark: raw query and item keys to",
        "dense ids, each query's rows ordered by a seeded hash and cut by ratio into train, valid and test.",
        "Writes DIR/log (Parquet with a 'part' column), DIR/queries and DIR/items (key -> id), and prints the",
        "config section that trains on it: data: {type: parquet, path: DIR/log, protocol: {type: given}}.",
        "Needs the towerlab-spark module (docs/scale.md)."})
final class DataSplitCommand implements Callable<Integer> {
  @ParentCommand DataCommand data;

  @Option(names = "--spark", required = true, paramLabel = "MASTER",
      description = "The Spark master: local[2], spark://host:7077, yarn.")
  String master;

  @Option(names = "--input", required = true, paramLabel = "LOG", description = "The log: a Parquet file or directory.")
  String input;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory (must not exist): a path or a Hadoop URI.")
  String out;

  @Option(names = "--query", paramLabel = "COL", defaultValue = "query",
      description = "The column of raw query keys (default: ${DEFAULT-VALUE}).")
  String query;

  @Option(names = "--item", paramLabel = "COL", defaultValue = "item",
      description = "The column of raw item keys (default: ${DEFAULT-VALUE}).")
  String item;

  @Option(names = "--timestamp", paramLabel = "COL", description = "The timestamp column, if any (kept as 'timestamp').")
  String timestamp;

  @Option(names = "--label", paramLabel = "COL", description = "A label column to keep (repeatable).")
  List<String> labels = new ArrayList<>();

  @Option(names = "--valid", paramLabel = "RATIO", defaultValue = "0.1",
      description = "Share of each query's rows in valid (default: ${DEFAULT-VALUE}).")
  double valid;

  @Option(names = "--test", paramLabel = "RATIO", defaultValue = "0.1",
      description = "Share of each query's rows in test (default: ${DEFAULT-VALUE}).")
  double test;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the row order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--part-files", paramLabel = "N", defaultValue = "8",
      description = "Parquet part files of DIR/log (default: ${DEFAULT-VALUE}).")
  int partFiles;

  @Override
  public Integer call() {
    if (partFiles <= 0) {
      throw new UserException("--part-files must be positive, got " + partFiles + ".");
    }
    PrintStream console = data.parent.out();
    ClusterBackend spark = Towerlab.cluster("spark", "data split --spark");
    long[] n = spark.split(master, new ClusterBackend.SplitRequest(input, out, query, item, timestamp, labels, valid,
        test, seed, partFiles), console);
    String dir = out.endsWith("/") ? out.substring(0, out.length() - 1) : out;
    console.printf(Locale.ROOT, "split of %s: train %d, valid %d, test %d rows%n", input, n[0], n[1], n[2]);
    console.printf(Locale.ROOT, "written: %s/log (part 0 train, 1 valid, 2 test), %s/queries, %s/items%n", dir, dir, dir);
    console.println("train on it with:");
    console.printf(Locale.ROOT, "  data: {type: parquet, path: %s/log, protocol: {type: given%s}}%n", dir,
        labels.isEmpty() ? "" : ", label: " + labels.get(0));
    return 0;
  }
}
