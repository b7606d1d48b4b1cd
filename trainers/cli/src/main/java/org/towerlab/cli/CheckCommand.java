package org.towerlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.towerlab.api.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code towerlab check RUN_DIR [--record FILE]} and {@code towerlab check RUN_DIR --write-record
 * FILE}: replication records (docs/replication.md). Exit 0 when every recorded metric is inside
 * its interval, {@link #OUTSIDE_RECORD} when one is not, 2 on user errors (no record, a recorded
 * method, metric or seed missing from the run).
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
    description = {"Check a finished run (a run directory, or a grid's parent directory) against its replication",
        "record: per metric PASS/FAIL with the value and the recorded interval. Exit 0 when every metric passes,",
        "5 when one falls outside, 2 on user errors. With --write-record, write a record from the run instead",
        "(intervals from the grid's seeds, or a relative --tolerance). See docs/replication.md."})
final class CheckCommand implements Callable<Integer> {
  /** Exit code of a run with a metric outside its replication record. */
  static final int OUTSIDE_RECORD = 5;

  @ParentCommand Towerlab parent;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A finished run directory or a grid's parent.")
  Path runDir;

  @Option(names = "--record", paramLabel = "FILE", description = "The record to check against (default: the"
      + " <config>.expected.yaml beside the run's config file in this checkout).")
  Path record;

  @Option(names = "--write-record", paramLabel = "FILE", description = "Write a record of the run to FILE"
      + " instead of checking it.")
  Path writeRecord;

  @Option(names = "--sigmas", paramLabel = "K", defaultValue = "3",
      description = "With --write-record: half-width of K standard errors of the mean over seeds (default: ${DEFAULT-VALUE}).")
  double sigmas;

  @Option(names = "--tolerance", paramLabel = "REL", description = "With --write-record: relative half-width floor,"
      + " |mean| * REL (default 0.02 for grids; required when a method has a single run).")
  Double tolerance;

  @Option(names = "--abs-tolerance", paramLabel = "ABS", defaultValue = "0.001",
      description = "With --write-record: absolute half-width floor (default: ${DEFAULT-VALUE}).")
  double absTolerance;

  @Option(names = "--metrics", split = ",", paramLabel = "KEY",
      description = "With --write-record: the metric keys to record (default: every test/ metric).")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--command", paramLabel = "TEXT",
      description = "With --write-record: the command that made the run (default: ./towerlab run <config>).")
  String command;

  @Override
  public Integer call() {
    ReplicationCheck.Runs runs = ReplicationCheck.load(runDir);
    if (writeRecord != null) {
      return write(runs);
    }
    Path file = record != null ? record : defaultRecord(runs);
    ReplicationRecord rec = ReplicationRecord.read(file);
    ReplicationCheck.Outcome outcome = ReplicationCheck.check(runs, rec, file);
    parent.out().println("towerlab check: " + runDir + " against " + file + " (recorded " + rec.date() + " at "
        + rec.commit() + " on " + rec.machine().cpu() + ", " + rec.machine().cores() + " cores, "
        + rec.machine().threads() + " engine thread(s); interval " + rec.rule().describe() + ")");
    for (ReplicationCheck.Line line : outcome.lines()) {
      parent.out().println(line.render());
    }
    long failed = outcome.failed();
    parent.out().println(failed == 0
        ? "PASS: all " + outcome.lines().size() + " metrics inside the record."
        : "FAIL: " + failed + " of " + outcome.lines().size() + " metrics outside the record (exit "
            + OUTSIDE_RECORD + ").");
    return failed == 0 ? 0 : OUTSIDE_RECORD;
  }

  private int write(ReplicationCheck.Runs runs) {
    if (record != null) {
      throw new UserException("towerlab check: --record and --write-record exclude each other: --record checks a"
          + " run against a record, --write-record writes one.");
    }
    boolean single = runs.methods().stream().anyMatch(m -> m.seeds().size() < 2);
    if (single && tolerance == null) {
      throw new UserException("towerlab check --write-record: " + runs.dir() + " has a method with a single run, so"
          + " its interval cannot come from seeds: state a relative tolerance, e.g. --tolerance 0.05 (5%), or record"
          + " a grid over seeds.");
    }
    double rel = tolerance == null ? 0.02 : tolerance;
    if (!(rel >= 0) || !(sigmas >= 0) || !(absTolerance >= 0)) {
      throw new UserException("towerlab check --write-record: --tolerance, --sigmas and --abs-tolerance must be"
          + " non-negative numbers, got " + rel + ", " + sigmas + ", " + absTolerance + ".");
    }
    ReplicationRecord rec = ReplicationCheck.record(runs, new ReplicationRecord.Rule(sigmas, rel, absTolerance),
        metrics, command);
    rec.write(writeRecord);
    parent.out().println("Wrote " + writeRecord + ": " + rec.methods().size() + " method(s), "
        + rec.methods().stream().mapToInt(m -> m.metrics().size()).sum() + " metric(s); interval "
        + rec.rule().describe() + ".");
    return 0;
  }

  /** {@code <config>.expected.yaml} beside the run's config ({@code mlflow.source.name}) in this checkout. */
  private Path defaultRecord(ReplicationCheck.Runs runs) {
    if (runs.source() == null || runs.source().isBlank()) {
      throw new UserException("towerlab check: " + runDir + " does not name its config file (tag"
          + " mlflow.source.name), so its record cannot be found: pass --record FILE.");
    }
    Path root = Path.of(System.getProperty("towerlab.repo.root", "."));
    Path config = root.resolve(runs.source());
    String name = config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    Path file = config.resolveSibling(name + ".expected.yaml");
    if (!Files.isRegularFile(file)) {
      throw new UserException("towerlab check: no replication record for " + runs.source() + ": " + file
          + " does not exist. Pass --record FILE, or write one from a finished run with towerlab check RUN_DIR"
          + " --write-record FILE.");
    }
    return file;
  }
}
