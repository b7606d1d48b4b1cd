package org.towerlab.trainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.api.UserException;
import org.towerlab.api.config.TuneConfig;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;

/**
 * The {@code tune:} search ({@link TuneConfig}): for each method of a config (its runs grouped by
 * name without the {@code seed=N} label, like the seed summary), the same number of trial
 * configurations, drawn at random or from a grid, are trained on the tuning seeds and scored on
 * the validation part only ({@link ExperimentRunner#runOne} with {@code validationOnly}: no test
 * metric is ever computed for a trial). The trial with the best mean {@code valid/<metric>} over
 * the tuning seeds is chosen (ties: the earlier trial), and the method's runs are returned with the
 * chosen values; the caller trains them as usual, so their test metrics are the result of the
 * chosen configuration.
 *
 * <p>The run store holds the search as a parent run {@code <experiment>-tune-<hash>} (tag
 * {@code towerlab.tune = parent}; {@code tune.md}, {@code tune.csv}) with one child run per trial
 * and seed (tag {@code towerlab.tune = trial}; validation metrics only). Trials whose values and
 * seed repeat an earlier trial of the same method (a random draw from short lists) reuse its
 * result instead of training again; they still count toward the budget.
 */
public final class Tuner {
  private static final Pattern SEED = Pattern.compile("(^|,|\\[)seed=(\\d+)(?=,|\\])");

  private final ExperimentRunner runner;
  private final Registry registry;
  private final PrintStream console;

  Tuner(ExperimentRunner runner, Registry registry, PrintStream console) {
    this.runner = runner;
    this.registry = registry;
    this.console = console;
  }

  /** One method: its runs (one per seed) and the names it may be listed under in {@code tune.methods}. */
  record Method(String name, List<LoadedRun> runs, List<String> keys) {}

  /** One trained trial: the method, the trial number (1-based), the values, the seed, and the outcome. */
  record Trial(String method, int number, Map<String, Object> values, long seed, String runId,
      Map<String, Double> metrics) {}

  /**
   * Runs the search and returns the runs with the chosen values.
   *
   * @param expDir the experiment's directory in the run store (trials and the search parent go there)
   */
  Search search(List<LoadedRun> runs, Path expDir, boolean resume) {
    return search(runs, expDir, resume, null);
  }

  /**
   * As {@link #search(List, Path, boolean)}, the trials trained by {@code children} when it takes
   * them ({@link ExperimentRunner.Children#runTrials}: a cluster's tasks), else here one by one.
   */
  Search search(List<LoadedRun> runs, Path expDir, boolean resume, ExperimentRunner.Children children) {
    TuneConfig tune = runs.get(0).tune();
    ConfigLoader loader = new ConfigLoader(registry);
    List<Method> methods = methods(runs);
    List<TrialSpec> specs = trials(registry, runs);
    int budget = (int) specs.stream().filter(t -> t.method().equals(methods.get(0).name())).mapToInt(TrialSpec::number)
        .max().orElse(0);
    // every method's first run (with tune.metric) and every trial config is built and checked, and
    // the data split, before anything is written
    for (Method m : methods) {
      runner.prepare(m.runs().get(0));
    }
    List<ExperimentRunner.Prepared> prepared = new ArrayList<>();
    for (TrialSpec t : specs) {
      prepared.add(t.sameAs() != null ? null : runner.prepare(t.run()));
    }
    LoadedRun first = runs.get(0);
    String experiment = first.config().name();
    String parentId = ExperimentRunner.slug(experiment) + "-tune-" + ExperimentRunner.hash(
        runs.stream().map(r -> r.effective().toString()).toList() + "|" + tune);
    Path parentDir = ExperimentRunner.uniqueDir(expDir, parentId, resume);
    Tracker parent = runner.tracker(first.config(), new Seeds(first.config().seed()));
    parent.start(new RunSpec(experiment, experiment + " (tune: " + tune.search() + ", " + budget + " trials x "
        + methods.size() + " methods)", parentDir.getFileName().toString(), parentDir, null,
        Map.of("towerlab.tune", "parent", "towerlab.version", ExperimentRunner.version())));
    ExperimentRunner.writeText(parentDir.resolve("config.yaml"),
        org.towerlab.tracking.Secrets.redact(runner.sourceText(first)));
    List<Trial> trials = new ArrayList<>();
    try {
      List<ExperimentRunner.RunOutcome> remote = children == null ? null : children.runTrials(
          specs.stream().filter(t -> t.sameAs() == null).map(TrialSpec::run).toList(), expDir, resume, parent.runId());
      int next = 0;
      for (int i = 0; i < prepared.size(); i++) {
        TrialSpec spec = specs.get(i);
        if (spec.sameAs() != null) {
          Trial t = trials.get(spec.sameAs());
          trials.add(new Trial(spec.method(), spec.number(), spec.values(), spec.seed(), t.runId(), t.metrics()));
          console.printf(Locale.ROOT, "== tune %d/%d: %s trial %d seed %d: same values as trial %d, not retrained%n",
              i + 1, prepared.size(), spec.method(), spec.number(), spec.seed(), t.number());
          continue;
        }
        ExperimentRunner.RunOutcome o;
        if (remote != null) {
          o = remote.get(next++);
        } else {
          console.printf(Locale.ROOT, "== tune %d/%d: %s trial %d seed %d %s%n", i + 1, prepared.size(), spec.method(),
              spec.number(), spec.seed(), spec.values());
          o = runner.runOne(prepared.get(i), expDir, resume, parent.runId(), true);
        }
        if (!o.metrics().containsKey("valid/" + tune.metric())) {
          throw new UserException(first.source() + ": tune.metric '" + tune.metric() + "' is not a validation metric"
              + " of the runs. Validation metrics: " + o.metrics().keySet().stream().filter(k -> k.startsWith("valid/"))
                  .map(k -> k.substring("valid/".length())).sorted().toList() + ".");
        }
        trials.add(new Trial(spec.method(), spec.number(), spec.values(), spec.seed(), o.dir().getFileName().toString(),
            o.metrics()));
      }
    } catch (RuntimeException e) {
      ExperimentRunner.failQuietly(parent, e);
      throw e;
    }
    Search search = new Search(tune, methods, trials, budget, parentDir);
    List<LoadedRun> chosen = new ArrayList<>();
    for (Method m : methods) {
      Map<String, Object> values = search.chosen(m.name()).values();
      for (LoadedRun r : m.runs()) {
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        values.forEach((p, v) -> nodes.put(p, registry.mapper().valueToTree(v)));
        chosen.add(loader.withValues(r, nodes, r.config().run(), "tune (chosen)"));
      }
    }
    // the runner runs them in the config's order
    List<LoadedRun> ordered = new ArrayList<>();
    for (LoadedRun r : runs) {
      ordered.add(chosen.stream().filter(c -> c.config().run().equals(r.config().run())).findFirst().orElseThrow());
    }
    ExperimentRunner.writeText(parentDir.resolve("tune.md"), search.markdown(List.of()));
    ExperimentRunner.writeText(parentDir.resolve("tune.csv"), search.csv());
    parent.logArtifact(parentDir.resolve("tune.md"), "");
    parent.logArtifact(parentDir.resolve("tune.csv"), "");
    parent.finish("FINISHED");
    parent.close();
    console.println(search.console());
    return search.withChosen(ordered);
  }

  /**
   * One trial of one method on one tuning seed.
   *
   * @param run the method's first run with the trial's values and seed, named
   *     {@code <method>[...,trial=k,seed=s]}
   * @param sameAs index (in the list) of an earlier trial of the method with the same values and
   *     seed, whose result is reused; null when this trial trains
   */
  public record TrialSpec(String method, int number, long seed, Map<String, Object> values, LoadedRun run,
      Integer sameAs) {}

  /**
   * Every trial of the {@code tune:} section of {@code runs}, in the order they run (method by
   * method, trial by trial, seed by seed), bound but not built. {@code towerlab validate} builds
   * them; the search trains them.
   *
   * @throws UserException when a value does not bind, or a grid search gives methods different budgets
   */
  public static List<TrialSpec> trials(Registry registry, List<LoadedRun> runs) {
    TuneConfig tune = runs.get(0).tune();
    ConfigLoader loader = new ConfigLoader(registry);
    List<Method> methods = methods(runs);
    Map<String, List<Map<String, Object>>> plans = new LinkedHashMap<>();
    for (Method m : methods) {
      plans.put(m.name(), plan(tune, tune.dimensions(m.keys()), m.name()));
    }
    int budget = plans.values().iterator().next().size();
    for (Map.Entry<String, List<Map<String, Object>>> e : plans.entrySet()) {
      if (e.getValue().size() != budget) {
        throw new UserException(runs.get(0).source() + ": tune.search grid gives method '" + methods.get(0).name()
            + "' " + budget + " trials and method '" + e.getKey() + "' " + e.getValue().size() + ". Every method gets"
            + " the same budget: give the methods spaces with the same number of combinations, or use search: random.");
      }
    }
    List<TrialSpec> out = new ArrayList<>();
    Map<String, Integer> firstOfKey = new LinkedHashMap<>();
    for (Method m : methods) {
      List<Map<String, Object>> plan = plans.get(m.name());
      for (int k = 0; k < plan.size(); k++) {
        for (long seed : tuneSeeds(tune, m)) {
          Map<String, JsonNode> values = new LinkedHashMap<>();
          plan.get(k).forEach((p, v) -> values.put(p, registry.mapper().valueToTree(v)));
          values.put("seed", LongNode.valueOf(seed));
          String name = label(m.name(), "trial=" + (k + 1) + ",seed=" + seed);
          Integer earlier = firstOfKey.putIfAbsent(m.name() + "|" + seed + "|" + plan.get(k), out.size());
          out.add(new TrialSpec(m.name(), k + 1, seed, plan.get(k),
              loader.withValues(m.runs().get(0), values, name, "tune.space"), earlier));
        }
      }
    }
    return out;
  }

  /** The runs grouped into methods (name without its seed label), in the config's order. */
  static List<Method> methods(List<LoadedRun> runs) {
    Map<String, List<LoadedRun>> byName = new LinkedHashMap<>();
    for (LoadedRun r : runs) {
      byName.computeIfAbsent(methodName(r.config().run()), k -> new ArrayList<>()).add(r);
    }
    List<Method> out = new ArrayList<>();
    byName.forEach((name, rs) -> {
      List<String> keys = new ArrayList<>();
      Object variant = rs.get(0).gridValues().get("variant");
      if (variant instanceof Map<?, ?> v && v.get("name") != null) {
        keys.add(String.valueOf(v.get("name")));
      }
      keys.add(name);
      out.add(new Method(name, List.copyOf(rs), List.copyOf(keys)));
    });
    return out;
  }

  static String methodName(String run) {
    Matcher m = SEED.matcher(run);
    if (!m.find()) {
      return run;
    }
    return (run.substring(0, m.start()) + m.group(1) + run.substring(m.end()))
        .replace("[,", "[").replace(",,", ",").replace(",]", "]").replace("[]", "");
  }

  private static String label(String method, String extra) {
    return method.endsWith("]") ? method.substring(0, method.length() - 1) + "," + extra + "]" : method + "[" + extra + "]";
  }

  private static List<Long> tuneSeeds(TuneConfig tune, Method m) {
    return tune.seeds() != null ? tune.seeds() : List.of(m.runs().get(0).config().seed());
  }

  /**
   * The trials' values: random search draws trial k's value of each dimension from the stream
   * {@code tune.trial-k.<path>} of {@code tune.seed} (the same for every method), grid search
   * enumerates the combinations, first dimension slowest.
   */
  static List<Map<String, Object>> plan(TuneConfig tune, List<TuneConfig.Dimension> dims, String method) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (tune.search().equals("random")) {
      Seeds seeds = new Seeds(tune.seed());
      for (int k = 1; k <= tune.trials(); k++) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (TuneConfig.Dimension d : dims) {
          v.put(d.path(), d.draw(seeds.stream("tune.trial-" + k + "." + d.path()).nextDouble()));
        }
        out.add(v);
      }
      return out;
    }
    int[] idx = new int[dims.size()];
    while (true) {
      Map<String, Object> v = new LinkedHashMap<>();
      for (int j = 0; j < dims.size(); j++) {
        v.put(dims.get(j).path(), dims.get(j).values().get(idx[j]));
      }
      out.add(v);
      int j = dims.size() - 1;
      while (j >= 0 && ++idx[j] == dims.get(j).size()) {
        idx[j] = 0;
        j--;
      }
      if (j < 0) {
        break;
      }
    }
    if (tune.trials() != null && tune.trials() != out.size()) {
      throw new UserException("tune.trials is " + tune.trials() + " but the grid of method '" + method + "' has "
          + out.size() + " combinations. Leave trials out with search: grid, or make them equal.");
    }
    return out;
  }

  /** The finished search: every trial, the choice per method, and the runs with the chosen values. */
  static final class Search {
    private final TuneConfig tune;
    private final List<Method> methods;
    private final List<Trial> trials;
    private final int budget;
    private final Path dir;
    private List<LoadedRun> chosenRuns = List.of();

    Search(TuneConfig tune, List<Method> methods, List<Trial> trials, int budget, Path dir) {
      this.tune = tune;
      this.methods = methods;
      this.trials = trials;
      this.budget = budget;
      this.dir = dir;
    }

    Search withChosen(List<LoadedRun> runs) {
      this.chosenRuns = List.copyOf(runs);
      return this;
    }

    /** The config's runs with each method's chosen values. */
    List<LoadedRun> chosen() {
      return chosenRuns;
    }

    /** A trial's score: its mean {@code valid/<metric>} over the tuning seeds. */
    record Scored(int number, Map<String, Object> values, double score, double bestEpoch) {}

    /** Every trial of a method with its score, in trial order. */
    List<Scored> scored(String method) {
      Map<Integer, List<Trial>> byNumber = new LinkedHashMap<>();
      for (Trial t : trials) {
        if (t.method().equals(method)) {
          byNumber.computeIfAbsent(t.number(), k -> new ArrayList<>()).add(t);
        }
      }
      List<Scored> out = new ArrayList<>();
      byNumber.forEach((k, ts) -> out.add(new Scored(k, ts.get(0).values(),
          ts.stream().mapToDouble(t -> t.metrics().getOrDefault("valid/" + tune.metric(), Double.NaN)).average()
              .orElse(Double.NaN),
          ts.stream().mapToDouble(t -> t.metrics().getOrDefault("train/best-epoch", Double.NaN)).average()
              .orElse(Double.NaN))));
      return out;
    }

    /** The chosen trial of a method: best score in the tune direction, NaN worst, ties to the earlier trial. */
    Scored chosen(String method) {
      Scored best = null;
      for (Scored s : scored(method)) {
        if (Double.isNaN(s.score())) {
          continue;
        }
        if (best == null || (tune.maximize() ? s.score() > best.score() : s.score() < best.score())) {
          best = s;
        }
      }
      if (best == null) {
        throw new UserException("Every tuning trial of method '" + method + "' gave a NaN valid/" + tune.metric()
            + "; see the trial runs in " + dir + ".");
      }
      return best;
    }

    /** Writes {@code tune.md} and {@code tune.csv} into {@code boardDir}, with the final runs' test results. */
    Path write(Path boardDir, List<ExperimentRunner.RunOutcome> finals) {
      ExperimentRunner.writeText(boardDir.resolve("tune.csv"), csv());
      Path md = boardDir.resolve("tune.md");
      ExperimentRunner.writeText(md, markdown(finals));
      return md;
    }

    /** One row per trial and seed (quoted as CSV needs, by {@link org.towerlab.registry.io.Csv}). */
    String csv() {
      List<String> paths = paths();
      List<String[]> rows = new ArrayList<>();
      List<String> header = new ArrayList<>(List.of("method", "trial", "seed"));
      header.addAll(paths);
      header.addAll(List.of("valid/" + tune.metric(), "best-epoch", "chosen", "run-id"));
      rows.add(header.toArray(String[]::new));
      for (Trial t : trials) {
        boolean chosen = chosen(t.method()).number() == t.number();
        List<String> r = new ArrayList<>(List.of(t.method(), String.valueOf(t.number()), String.valueOf(t.seed())));
        paths.forEach(p -> r.add(t.values().containsKey(p) ? String.valueOf(t.values().get(p)) : ""));
        r.add(String.valueOf(t.metrics().getOrDefault("valid/" + tune.metric(), Double.NaN)));
        r.add(String.valueOf(t.metrics().getOrDefault("train/best-epoch", Double.NaN)));
        r.add(String.valueOf(chosen));
        r.add(String.valueOf(t.runId()));
        rows.add(r.toArray(String[]::new));
      }
      return org.towerlab.registry.io.Csv.toString(rows);
    }

    private List<String> paths() {
      List<String> paths = new ArrayList<>();
      for (Trial t : trials) {
        t.values().keySet().forEach(p -> {
          if (!paths.contains(p)) {
            paths.add(p);
          }
        });
      }
      return paths;
    }

    private String header() {
      long seedsPerTrial = trials.stream().map(t -> t.method() + "|" + t.number()).distinct().count() == 0 ? 0
          : trials.size() / trials.stream().map(t -> t.method() + "|" + t.number()).distinct().count();
      return tune.search() + " search, " + budget + " trials per method x " + seedsPerTrial + " seed(s), chosen by"
          + " validation " + tune.metric() + " (" + (tune.maximize() ? "higher" : "lower") + " is better)";
    }

    /** The short table printed after the search. */
    String console() {
      StringBuilder sb = new StringBuilder("Tuning (" + header() + "):\n");
      for (Method m : methods) {
        Scored c = chosen(m.name());
        sb.append(String.format(Locale.ROOT, "  %s: trial %d %s, valid %s %.4f%n", m.name(), c.number(), c.values(),
            tune.metric(), c.score()));
      }
      return sb.toString().stripTrailing();
    }

    /**
     * {@code tune.md}: per method the chosen values, the chosen trial's validation score, and, when
     * {@code finals} holds the runs trained with them, their test result (mean and std over the
     * runs' seeds); then every trial. The test column is the chosen configuration's, never the best
     * test value over trials (trials have none).
     */
    String markdown(List<ExperimentRunner.RunOutcome> finals) {
      StringBuilder sb = new StringBuilder("# Tuning\n\n");
      sb.append(header().substring(0, 1).toUpperCase(Locale.ROOT)).append(header().substring(1)).append(". ")
          .append("Search runs: `").append(dir.getFileName()).append("` (trial runs are its children). Trials are ")
          .append("trained and scored on the validation part only; the test column is the result of the chosen ")
          .append("configuration retrained on the config's seeds.\n\n");
      sb.append("| method | trials | chosen values | valid ").append(tune.metric()).append(" (chosen trial) | test ")
          .append(tune.metric()).append(" (chosen configuration) |\n|---|---:|---|---:|---:|\n");
      for (Method m : methods) {
        Scored c = chosen(m.name());
        sb.append("| ").append(m.name()).append(" | ").append(budget).append(" | ").append(values(c.values()))
            .append(" | ").append(String.format(Locale.ROOT, "%.4f", c.score())).append(" | ")
            .append(test(m, finals)).append(" |\n");
      }
      for (Method m : methods) {
        List<String> paths = new ArrayList<>();
        scored(m.name()).forEach(s -> s.values().keySet().forEach(p -> {
          if (!paths.contains(p)) {
            paths.add(p);
          }
        }));
        sb.append("\n## ").append(m.name()).append("\n\n| trial |");
        paths.forEach(p -> sb.append(' ').append(p).append(" |"));
        sb.append(" valid ").append(tune.metric()).append(" | best epoch |\n|---:|");
        paths.forEach(p -> sb.append("---:|"));
        sb.append("---:|---:|\n");
        int chosen = chosen(m.name()).number();
        for (Scored s : scored(m.name())) {
          sb.append("| ").append(s.number()).append(s.number() == chosen ? " (chosen)" : "").append(" |");
          paths.forEach(p -> sb.append(' ').append(s.values().containsKey(p) ? String.valueOf(s.values().get(p)) : "")
              .append(" |"));
          sb.append(String.format(Locale.ROOT, " %.4f | %.1f |%n", s.score(), s.bestEpoch()));
        }
      }
      return sb.toString();
    }

    private String test(Method m, List<ExperimentRunner.RunOutcome> finals) {
      List<String> names = m.runs().stream().map(r -> r.config().run()).toList();
      double[] v = finals.stream().filter(o -> names.contains(o.name()))
          .mapToDouble(o -> o.metrics().getOrDefault("test/" + tune.metric(), Double.NaN)).filter(x -> !Double.isNaN(x))
          .toArray();
      if (v.length == 0) {
        return "";
      }
      double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
      if (v.length == 1) {
        return String.format(Locale.ROOT, "%.4f (1 seed)", mean);
      }
      double ss = 0;
      for (double x : v) {
        ss += (x - mean) * (x - mean);
      }
      return String.format(Locale.ROOT, "%.4f ± %.4f (%d seeds)", mean, Math.sqrt(ss / (v.length - 1)), v.length);
    }

    private static String values(Map<String, Object> values) {
      List<String> parts = new ArrayList<>();
      values.forEach((k, v) -> parts.add("`" + k + "` = " + v));
      return String.join(", ", parts);
    }
  }
}
