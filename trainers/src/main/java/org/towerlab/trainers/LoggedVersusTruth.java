package org.towerlab.trainers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;

/**
 * Whether offline metrics on logged data order a grid's runs as the ground truth does: for every
 * logged metric with a truth counterpart, Kendall's tau-b between the runs' values of the two
 * (M. G. Kendall, "The treatment of ties in ranking problems", Biometrika 33(3), 1945; computed by
 * Commons Math). A tau near 1 means the logged metric ranks models as their true quality does; a
 * low or negative tau is the bias of logged-data evaluation the simulator exists to expose.
 *
 * <p>Pairs: a truth key {@code test/<S>truth/<m>} (written by the {@code truth} evaluator, where
 * {@code <S>} is empty or a scorer prefix {@code <scorer>/}) is paired with {@code test/<S><m>} and
 * with every {@code test/<S><label>/<m>}, where {@code <label>} is one key segment that is not the
 * name of one of the runs' named scorers, not {@code truth} and not a cascade segment
 * ({@code vs-...}). So {@code test/recall@20} (logged clicks) and {@code test/like/recall@20} are both
 * compared with {@code test/truth/recall@20}. A pair is reported when at least {@link #MIN_RUNS}
 * runs have both values (runs with a NaN on either side are left out).
 */
public final class LoggedVersusTruth {
  /** The fewest runs a correlation is reported for. */
  public static final int MIN_RUNS = 3;
  /** The file written in the grid directory. */
  public static final String FILE = "truth-agreement.md";

  /** One pair of metrics and the rank correlation of the runs' values; {@code tau} is NaN when one side is constant. */
  public record Pair(String logged, String truth, int runs, double tau) {}

  private final List<Pair> pairs;

  private LoggedVersusTruth(List<Pair> pairs) {
    this.pairs = List.copyOf(pairs);
  }

  /** Over the outcomes of a grid; named scorers are read from each run's {@code TrainResult.stages()}. */
  public static LoggedVersusTruth of(List<ExperimentRunner.RunOutcome> outcomes) {
    Set<String> scorers = new HashSet<>();
    List<Map<String, Double>> runs = new ArrayList<>();
    for (ExperimentRunner.RunOutcome o : outcomes) {
      runs.add(o.metrics());
      if (o.train() != null) {
        scorers.addAll(o.train().stages().keySet());
      }
    }
    return of(runs, scorers);
  }

  /**
   * @param runs each run's metrics ({@code test/...} keys)
   * @param scorerNames the names of the runs' named scorers (never read as labels)
   */
  public static LoggedVersusTruth of(List<Map<String, Double>> runs, Set<String> scorerNames) {
    TreeSet<String> keys = new TreeSet<>();
    runs.forEach(r -> keys.addAll(r.keySet()));
    List<Pair> out = new ArrayList<>();
    for (String truthKey : keys) {
      int at = truthKey.indexOf("truth/");
      if (!truthKey.startsWith("test/") || at < 0 || (at != 5 && truthKey.charAt(at - 1) != '/')) {
        continue;
      }
      String scorerPrefix = truthKey.substring(5, at); // "" or "<scorer>/"
      if (!scorerPrefix.isEmpty() && (scorerPrefix.indexOf('/') != scorerPrefix.length() - 1)) {
        continue;
      }
      String metric = truthKey.substring(at + "truth/".length());
      String base = "test/" + scorerPrefix;
      for (String logged : keys) {
        if (!logged.startsWith(base) || !logged.endsWith(metric) || logged.equals(truthKey)) {
          continue;
        }
        String middle = logged.substring(base.length(), logged.length() - metric.length());
        if (!middle.isEmpty() && !isLabel(middle, scorerNames)) {
          continue;
        }
        Pair p = correlate(runs, logged, truthKey);
        if (p != null) {
          out.add(p);
        }
      }
    }
    return new LoggedVersusTruth(out);
  }

  /** {@code "<label>/"}: one segment that names no scorer, not truth and no cascade comparison. */
  private static boolean isLabel(String middle, Set<String> scorerNames) {
    if (!middle.endsWith("/") || middle.indexOf('/') != middle.length() - 1) {
      return false;
    }
    String name = middle.substring(0, middle.length() - 1);
    return !name.equals("truth") && !name.startsWith("vs-") && !name.startsWith("in-") && !scorerNames.contains(name);
  }

  private static Pair correlate(List<Map<String, Double>> runs, String logged, String truth) {
    List<double[]> values = new ArrayList<>();
    for (Map<String, Double> r : runs) {
      Double a = r.get(logged);
      Double b = r.get(truth);
      if (a != null && b != null && !a.isNaN() && !b.isNaN()) {
        values.add(new double[] {a, b});
      }
    }
    if (values.size() < MIN_RUNS) {
      return null;
    }
    double[] x = values.stream().mapToDouble(v -> v[0]).toArray();
    double[] y = values.stream().mapToDouble(v -> v[1]).toArray();
    return new Pair(logged, truth, values.size(), new KendallsCorrelation().correlation(x, y));
  }

  public List<Pair> pairs() {
    return pairs;
  }

  /** Whether any pair was found (the grid's runs report truth metrics and their logged counterparts). */
  public boolean applies() {
    return !pairs.isEmpty();
  }

  /** A short Markdown report: one row per pair. */
  public String markdown() {
    StringBuilder sb = new StringBuilder("# Logged metrics versus the truth\n\n")
        .append("Kendall's tau-b between the runs' order by a metric on logged data and their order by its ground-truth")
        .append(" counterpart (1 = the same order, 0 = unrelated, -1 = reversed; ties count as in tau-b).\n\n")
        .append("| logged metric | truth metric | runs | Kendall tau-b |\n|---|---|---:|---:|\n");
    for (Pair p : pairs) {
      sb.append("| ").append(p.logged().substring(5)).append(" | ").append(p.truth().substring(5)).append(" | ")
          .append(p.runs()).append(" | ")
          .append(Double.isNaN(p.tau()) ? "n/a (one side constant)" : String.format(Locale.ROOT, "%.4f", p.tau()))
          .append(" |\n");
    }
    return sb.toString();
  }

  /**
   * Writes {@link #FILE} in {@code dir} when the outcomes have truth metrics with logged
   * counterparts.
   *
   * @return the file written, or {@code null}
   */
  static Path write(List<ExperimentRunner.RunOutcome> outcomes, Path dir) {
    LoggedVersusTruth report = of(outcomes);
    if (!report.applies()) {
      return null;
    }
    Path file = dir.resolve(FILE);
    ExperimentRunner.writeText(file, report.markdown());
    return file;
  }
}
