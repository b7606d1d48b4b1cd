package org.towerlab.trainers;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainContext;
import org.towerlab.api.train.TrainResult;
import org.towerlab.api.train.TrainingStrategy;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.tracking.Secrets;
import org.towerlab.tracking.local.AtomicFiles;
import org.towerlab.tracking.local.LocalRun;
import org.towerlab.tracking.local.MetricPoint;
import org.towerlab.tracking.plots.Plots;
import org.towerlab.tracking.provenance.Provenance;
import org.towerlab.registry.io.Mappers;

/**
 * Runs the experiments of a config file: for each run (each child of a grid) it loads the data
 * (cached across runs), splits it, builds every component, trains, evaluates on the test part and
 * writes the run directory {@code <out>/<experiment>/<run-id>/}. A grid also gets a parent run
 * directory holding the leaderboard of its children. The leaderboard is printed at the end.
 *
 * <p>The run id is {@code <run-slug>-<hash of the effective config>}. Without {@code resume} an
 * existing directory gets a {@code -2}, {@code -3}, ... suffix; with {@code resume} the directory of
 * the same effective config is reused and the trainer continues from its last checkpoint (an
 * interrupted run restarted with the same config). A changed config (more epochs, another learning
 * rate) is another experiment and gets another directory: resume never mixes two configs.
 */
public final class ExperimentRunner {
  private final Registry registry;
  private final PrintStream console;
  private final Map<String, Cached<Dataset>> datasets = new HashMap<>();
  private final Map<String, Cached<Split>> splits = new HashMap<>();
  private final SplitFile splitFiles = new SplitFile();
  private Path splitFrom;
  private boolean localTrackingOnly;

  public ExperimentRunner(Registry registry, PrintStream console) {
    this.registry = registry;
    this.console = console;
  }

  /**
   * Uses the split recorded in {@code runDir} ({@code split.csv.gz}, see {@link SplitFile#read})
   * instead of running the protocol, for every run; null runs the protocol.
   */
  public ExperimentRunner splitFrom(Path runDir) {
    this.splitFrom = runDir;
    return this;
  }

  /**
   * Records every run in the local run store only, whatever its {@code tracking:} section says (the
   * effective config and so the run id are unchanged). A distributed grid's executors use it and
   * then push the finished run to MLflow with the idempotent {@code MlflowSync}, so a retried task
   * never creates a second MLflow run or a second metric point.
   */
  public ExperimentRunner localTrackingOnly(boolean on) {
    this.localTrackingOnly = on;
    return this;
  }

  /**
   * Runs the children of a grid elsewhere (the tasks of a cluster job, see {@link ClusterBackend}).
   * The parent run, the leaderboard and the summary stay with {@link #runAll}.
   */
  public interface Children {
    /**
     * Runs every child (each already checked by {@link #check}) as {@link #runChild} does, with
     * {@code expDir} as the experiment directory, and returns their outcomes in the order of
     * {@code runs}.
     */
    List<RunOutcome> run(List<LoadedRun> runs, Path expDir, boolean resume, String parentRunId);

    /**
     * Runs the trials of a {@code tune:} search (each already checked) as {@link #runTrial} does:
     * validation only, no test metric, no per-query test file, no embeddings; {@code parentRunId} is
     * the search's parent run. Returns their outcomes in the order of {@code trials}, or null to
     * have the runner train them here one after another (the default).
     */
    default List<RunOutcome> runTrials(List<LoadedRun> trials, Path expDir, boolean resume, String parentRunId) {
      return null;
    }
  }

  /**
   * Checks and runs one child of a grid into {@code runDir} (from {@link #reserveRunDir}) as
   * {@link #runAll} does, resuming what an earlier attempt left there, with {@code parentRunId} as
   * its tracker's parent: what a cluster task runs.
   */
  public RunOutcome runChild(LoadedRun run, Path runDir, String parentRunId) {
    return runIn(prepare(run), runDir, true, parentRunId, false);
  }

  /**
   * Checks and runs one trial of a {@code tune:} search into {@code runDir} as the search does
   * locally (validation only: no test metric is computed), resuming what an earlier attempt left
   * there: what a cluster task runs for a trial.
   */
  public RunOutcome runTrial(LoadedRun run, Path runDir, String parentRunId) {
    return runIn(prepare(run), runDir, true, parentRunId, true);
  }

  /**
   * The directory a run gets under {@code expDir}, created now: {@code <run-id>} with
   * {@code resume} (existing or new), else a new {@code <run-id>}, {@code <run-id>-2}, ... as
   * {@link #runAll} picks it. A cluster driver reserves the children's directories with it, so a
   * retried task resumes in its own directory instead of creating a sibling.
   */
  public static Path reserveRunDir(Path expDir, LoadedRun run, boolean resume) {
    return uniqueDir(expDir, runId(run), resume);
  }

  /** A run's id: {@code <run-slug>-<hash of the effective config with URI credentials masked>}. */
  public static String runId(LoadedRun run) {
    return slug(run.config().run()) + "-" + hash(Secrets.redact(run.effective()).toString());
  }

  /** The experiment directory of a config's runs under {@code outRoot}. */
  public static Path experimentDir(Path outRoot, List<LoadedRun> runs) {
    return outRoot.resolve(slug(runs.get(0).config().name()));
  }

  /** The outcome of one run, for the leaderboard. */
  public record RunOutcome(String name, String runId, Path dir, Map<String, Double> metrics, TrainResult train) {}

  /** Runs every child run, writes outputs under {@code outRoot}, prints the leaderboard. Returns an exit code. */
  public int run(List<LoadedRun> runs, Path outRoot, boolean resume) {
    runAll(runs, outRoot, resume);
    return 0;
  }

  /**
   * Checks every run of a config as {@link #runAll} does before it writes anything (components,
   * data, the {@link Preflight} dry pass), and writes nothing: {@code towerlab validate}.
   *
   * @throws org.towerlab.api.UserException at the first run that would fail before training
   */
  public void check(List<LoadedRun> runs) {
    if (runs.isEmpty()) {
      throw new UserException("The config has no runs.");
    }
    for (LoadedRun run : runs) {
      prepare(run);
    }
  }

  /** Runs every child run and returns their outcomes (the parent's directory holds the leaderboard). */
  public List<RunOutcome> runAll(List<LoadedRun> runs, Path outRoot, boolean resume) {
    return runAll(runs, outRoot, resume, null);
  }

  /**
   * As {@link #runAll(List, Path, boolean)}, with the children run by {@code children} (null: one
   * after the other in this process); the parent, leaderboard and summary are written here.
   */
  public List<RunOutcome> runAll(List<LoadedRun> runs, Path outRoot, boolean resume, Children children) {
    if (runs.isEmpty()) {
      throw new UserException("The config has no runs.");
    }
    String experiment = runs.get(0).config().name();
    Path expDir = outRoot.resolve(slug(experiment));
    // tune: a validation-only search per method first; the runs then use the chosen values
    Tuner.Search search = runs.get(0).tune() == null ? null : new Tuner(this, registry, console).search(runs, expDir, resume, children);
    runs = search == null ? runs : search.chosen();
    boolean grid = runs.size() > 1;
    // every run is checked (components, data) before anything is written
    List<Prepared> prepared = new ArrayList<>();
    for (LoadedRun run : runs) {
      prepared.add(prepare(run));
    }
    Tracker parent = null;
    Path parentDir = null;
    if (grid) {
      String parentId = slug(experiment) + "-grid-" + hash(runs.stream().map(r -> r.effective().toString()).toList().toString());
      parentDir = uniqueDir(expDir, parentId, resume);
      parent = tracker(runs.get(0).config(), new Seeds(runs.get(0).config().seed()));
      parent.start(new RunSpec(experiment, experiment + " (grid of " + runs.size() + ")", parentDir.getFileName().toString(),
          parentDir, null, Map.of("towerlab.grid", "parent", "towerlab.version", version())));
      GridParent.start(parent, runs.get(0), runs.size());
      writeText(parentDir.resolve("config.yaml"), Secrets.redact(sourceText(runs.get(0))));
    }
    List<RunOutcome> outcomes = new ArrayList<>();
    try {
      if (children != null) {
        outcomes.addAll(children.run(runs, expDir, resume, parent == null ? null : parent.runId()));
      }
      for (int i = 0; children == null && i < runs.size(); i++) {
        console.printf(Locale.ROOT, "== run %d/%d: %s%n", i + 1, runs.size(), runs.get(i).config().run());
        outcomes.add(runOne(prepared.get(i), expDir, resume, parent == null ? null : parent.runId(), false));
      }
    } catch (RuntimeException e) {
      if (parent != null) {
        failQuietly(parent, e);
      }
      throw e;
    }
    Path boardDir = grid ? parentDir : outcomes.get(0).dir();
    Leaderboard board = Leaderboard.of(outcomes);
    writeText(boardDir.resolve("leaderboard.csv"), board.csv());
    writeText(boardDir.resolve("leaderboard.md"), board.markdown());
    Path recallPlot = GridParent.recallPlot(boardDir, experiment, outcomes);
    Path tradeoff = grid ? TradeoffPlot.write(outcomes, boardDir, experiment) : null; // related-item grids
    List<Path> costPlots = grid ? QualityCost.write(boardDir, experiment, outcomes, runs.get(0).summary()) : List.of();
    String summary = null;
    if (GridSummary.applies(outcomes)) {
      GridSummary s = GridSummary.of(outcomes, runs.get(0).summary());
      summary = s.markdown();
      writeText(boardDir.resolve("summary.md"), summary);
      writeText(boardDir.resolve("summary.csv"), s.csv());
    }
    Path agreement = grid ? LoggedVersusTruth.write(outcomes, boardDir) : null; // truth-agreement.md, simulator grids
    Path tuned = search == null ? null : search.write(boardDir, outcomes); // tune.md, tune.csv
    if (parent != null) {
      if (tuned != null) {
        parent.logArtifact(tuned, "");
      }
      if (agreement != null) {
        parent.logArtifact(agreement, "");
      }
      if (summary != null) {
        parent.logArtifact(boardDir.resolve("summary.md"), "");
        parent.logArtifact(boardDir.resolve("summary.csv"), "");
      }
      parent.logArtifact(boardDir.resolve("leaderboard.csv"), "");
      parent.logArtifact(boardDir.resolve("leaderboard.md"), "");
      if (recallPlot != null) {
        parent.logArtifact(recallPlot, "plots");
      }
      if (tradeoff != null) {
        parent.logArtifact(tradeoff, "plots");
      }
      for (Path p : costPlots) {
        parent.logArtifact(p, "plots");
      }
      GridParent.logMetrics(parent, outcomes);
      parent.finish("FINISHED");
      parent.close();
    }
    console.println();
    console.println(board.markdown());
    if (search != null) {
      console.println(search.console());
    }
    if (summary != null) {
      console.println("Summary over seeds:");
      console.println(summary);
    }
    console.println("Run directory: " + boardDir);
    return outcomes;
  }

  /** A run whose components are built and whose data is loaded and split: nothing written yet. */
  record Prepared(LoadedRun run, Seeds seeds, Split split, Model model, Sampler sampler, Loss loss,
      TrainingStrategy strategy, List<Evaluator> evaluators) {}

  /**
   * Builds every component of a run, checks that they fit together, loads and splits the data,
   * and makes the {@link Preflight} checks (a dry pass of the model, the evaluators' metric names).
   * User errors (bad config values, invalid combinations, bad data files) surface here, before any
   * run directory or tracker run exists, so they leave no partial output; each names the config
   * file and the run.
   */
  Prepared prepare(LoadedRun run) {
    try {
      return prepareRun(run);
    } catch (UserException e) {
      String where = run.source() + " (run " + run.config().run() + ")";
      String m = String.valueOf(e.getMessage());
      throw m.contains(run.source().toString()) ? e : new UserException(where + ": " + m, e);
    }
  }

  private Prepared prepareRun(LoadedRun run) {
    ExperimentConfig cfg = run.config();
    Seeds seeds = new Seeds(cfg.seed());
    Model model = registry.build(Kind.MODEL, cfg.model(), "$.model", seeds, Model.class);
    Sampler sampler = registry.build(Kind.SAMPLER, cfg.sampler(), "$.sampler", seeds, Sampler.class);
    Loss loss = registry.build(Kind.LOSS, cfg.loss(), "$.loss", seeds, Loss.class);
    TrainingStrategy strategy = registry.build(Kind.TRAINER, cfg.trainer(), "$.trainer", seeds, TrainingStrategy.class);
    List<Evaluator> evaluators = new ArrayList<>();
    for (int i = 0; i < cfg.evaluators().size(); i++) {
      evaluators.add(registry.build(Kind.EVALUATOR, cfg.evaluators().get(i), "$.evaluators[" + i + "]", seeds,
          Evaluator.class));
    }
    org.towerlab.api.Compatibility.Parts parts = org.towerlab.api.Compatibility.Parts.of(model, sampler, loss)
        .withTrainer(strategy);
    List<String> problems = parts.problems();
    if (!problems.isEmpty()) {
      throw new UserException("Invalid combination in " + run.source() + " (run " + cfg.run() + "): "
          + String.join(" ", problems));
    }
    Split split = split(cfg, run, seeds);
    // the checks that need the data: row modes, samplers of logged rows, a teacher's run
    problems = parts.withSplit(split).problems();
    if (!problems.isEmpty()) {
      throw new UserException("Invalid combination in " + run.source() + " (run " + cfg.run() + ") on data set '"
          + split.dataset().name() + "': " + String.join(" ", problems));
    }
    List<String> refused = evaluators.stream().map(e -> e.incompatibility(split)).filter(m -> m != null).toList();
    if (!refused.isEmpty()) {
      throw new UserException("Invalid evaluators in " + run.source() + " (run " + cfg.run() + "): " + String.join(" ", refused));
    }
    if (evaluators.stream().noneMatch(e -> e.appliesTo(split))) {
      throw new UserException("None of the evaluators in " + run.source() + " applies to the '" + split.protocol()
          + "' protocol on data set '" + split.dataset().name() + "'. Add {type: topk} to evaluators"
          + (split.hasLoggedNegatives() ? " (or {type: pointwise})." : "."));
    }
    tracker(cfg, seeds); // a bad tracking section fails here too (factories do no IO)
    Preflight.check(registry, run, split);
    // what the run writes (config copies, params, provenance) never holds credentials of a URI
    LoadedRun written = new LoadedRun(run.source(), cfg, Secrets.redact(run.raw()), Secrets.redact(run.effective()),
        run.gridValues());
    return new Prepared(written, seeds, split, model, sampler, loss, strategy, evaluators);
  }

  /**
   * Trains and evaluates one run and writes its directory.
   *
   * @param validationOnly a tuning trial: only the validation part is scored (no test metrics, no
   *     per-query test file, no embeddings), so a search can never look at the test part
   */
  RunOutcome runOne(Prepared prepared, Path expDir, boolean resume, String parentRunId, boolean validationOnly) {
    LoadedRun run = prepared.run();
    String runId = slug(run.config().run()) + "-" + hash(run.effective().toString());
    return runIn(prepared, uniqueDir(expDir, runId, resume), resume, parentRunId, validationOnly);
  }

  private RunOutcome runIn(Prepared prepared, Path dir, boolean resume, String parentRunId, boolean validationOnly) {
    LoadedRun run = prepared.run();
    ExperimentConfig cfg = run.config();
    Seeds seeds = prepared.seeds();
    Split split = prepared.split();
    Model model = prepared.model();
    Sampler sampler = prepared.sampler();
    Loss loss = prepared.loss();
    TrainingStrategy strategy = prepared.strategy();
    List<Evaluator> evaluators = prepared.evaluators();
    Tracker tracker = tracker(cfg, seeds);
    Map<String, String> tags = new LinkedHashMap<>(RunTags.of(run, types(cfg), model.trainable(), split, version()));
    if (validationOnly) {
      tags.put("towerlab.tune", "trial");
    }
    tracker.start(new RunSpec(cfg.name(), cfg.run(), dir.getFileName().toString(), dir, parentRunId, tags));
    try {
      writeText(dir.resolve("config.yaml"), registry.toYaml(run.raw()));
      writeText(dir.resolve("effective-config.yaml"), registry.toYaml(run.effective()));
      tracker.logParams(flatten(run.effective()));
      tracker.logDataset(DatasetInputs.of(split));
      writeProvenance(dir, run, seeds, split);

      Map<String, Double> metrics = new LinkedHashMap<>();
      TrainResult result;
      try (NDManager manager = NDManager.newBaseManager()) {
        Params params = new Params(manager, seeds.stream("init"));
        if (model.trainable()) {
          model.initialize(new InitContext(params.scope("model"), split, null));
        }
        if (loss instanceof Parameterized p) {
          p.initialize(new InitContext(params.scope("loss"), split, null));
        }
        result = strategy.train(new TrainContext(model, sampler, loss, split, evaluators, seeds, tracker, dir, resume,
            params, manager, services(cfg, seeds, tracker, dir)));
        // stage scorers and a cascade are scored once into memory and served to every evaluator
        int nq = split.dataset().numQueries();
        int ni = split.dataset().numItems();
        Map<String, Scorer> stages = new LinkedHashMap<>();
        result.stages().forEach((k, v) -> stages.put(k, DenseScores.fits(nq, ni) ? new DenseScores(v, nq) : v));
        Scorer system = result.scorer() != null && DenseScores.fits(nq, ni) ? new DenseScores(result.scorer(), nq)
            : result.scorer();
        try (Scorer scorer = system != null ? system : model.trainable()
            ? new TowerScorer(model, new FeatureBatches(split), split.dataset().numItems(), manager)
            : model.fixedScorer(split)) {
          Evaluations.Result valid = Evaluations.evaluate(evaluators, split, "valid", scorer, stages, manager);
          Evaluations.Result test = validationOnly ? null
              : Evaluations.evaluate(evaluators, split, "test", scorer, stages, manager);
          metrics.putAll(valid.metrics());
          if (test != null) {
            metrics.putAll(test.metrics());
          }
          // every stage of a cascade (and a distillation teacher) on its own: <part>/<stage>/<metric>
          List<Evaluator> unpinned = evaluators.stream().filter(e -> e.scorerNames().isEmpty()).toList();
          for (Map.Entry<String, Scorer> st : validationOnly ? Map.<String, Scorer>of().entrySet() : stages.entrySet()) {
            // test only: each stage's validation history is in its own run (stages/<stage>/)
            Evaluations.evaluate(unpinned, split, "test", st.getValue(), Map.of(), manager).metrics()
                .forEach((k, v) -> metrics.put("test/" + st.getKey() + "/" + k.substring("test/".length()), v));
          }
          metrics.putAll(result.stats());
          metrics.put("train/best-epoch", (double) result.bestEpoch());
          metrics.putAll(Costs.measure("cost/", result.scorer() != null ? result.scorer() : scorer,
              model.trainable() && result.scorer() == null ? params.count() : Double.NaN));
          for (Map.Entry<String, Scorer> st : result.stages().entrySet()) {
            metrics.putAll(Costs.measure("cost/" + st.getKey() + "/", st.getValue(), Double.NaN));
          }
          if (test != null) {
            PerQueryFile.write(dir, test);
          }
          if (scorer instanceof TowerScorer ts && !validationOnly) {
            Embeddings.write(dir.resolve("embeddings"), model, ts, new FeatureBatches(split), split, manager);
          }
        } finally {
          for (Scorer st : stages.values()) {
            st.close();
          }
        }
      }
      writeText(dir.resolve("metrics.json"), Mappers.pretty().writeValueAsString(metrics));
      FinalMetrics.log(tracker, metrics, result); // the kept model's values, at the best epoch's step
      writeProvenance(dir, run, seeds, split);
      List<Path> plots = trainingPlots(dir, cfg.run());
      Path stagesDir = dir.resolve("stages");
      List<Path> stagePlots = new ArrayList<>();
      if (Files.isDirectory(stagesDir)) {
        try (var list = Files.list(stagesDir)) {
          for (Path st : list.sorted().toList()) {
            stagePlots.addAll(trainingPlots(st, cfg.run() + " / " + st.getFileName()));
          }
        }
      }
      tracker.logArtifact(dir.resolve("metrics.json"), "");
      if (!validationOnly) {
        tracker.logArtifact(dir.resolve(PerQueryFile.FILE), "");
      }
      tracker.logArtifact(dir.resolve("effective-config.yaml"), "");
      tracker.logArtifact(dir.resolve("config.yaml"), "");
      tracker.logArtifact(dir.resolve(Provenance.FILE), "");
      tracker.logArtifact(dir.resolve(SplitFile.FILE), "");
      for (Path png : plots) {
        tracker.logArtifact(png, "plots");
      }
      for (Path png : stagePlots) {
        tracker.logArtifact(png, "plots/" + png.getParent().getParent().getFileName());
      }
      if (Files.isDirectory(dir.resolve("embeddings"))) {
        for (String f : Embeddings.FILES) {
          if (Files.exists(dir.resolve("embeddings").resolve(f))) {
            tracker.logArtifact(dir.resolve("embeddings").resolve(f), "embeddings");
          }
        }
      }
      Path modelDir = ModelExport.write(dir, run.effective(), tracker.runId(), version());
      if (modelDir != null) {
        tracker.logModel(modelDir, ModelExport.DIR);
      }
      tracker.finish("FINISHED");
      tracker.close();
      return new RunOutcome(cfg.run(), dir.getFileName().toString(), dir, metrics, result);
    } catch (IOException e) {
      UncheckedIOException u = new UncheckedIOException(e);
      failQuietly(tracker, u);
      throw u;
    } catch (RuntimeException e) {
      failQuietly(tracker, e);
      throw e;
    }
  }

  /**
   * What a strategy may ask the runner for: components built from config trees (a teacher read from
   * an earlier run's effective config), and a tracker per stage, a child of this run whose local
   * files go to {@code <run dir>/stages/<stage>/}.
   */
  private org.towerlab.api.train.RunServices services(ExperimentConfig cfg, Seeds seeds, Tracker runTracker,
      Path dir) {
    return new org.towerlab.api.train.RunServices() {
      @Override
      public <T> T build(Kind kind, Map<String, Object> section, String path, Class<T> type) {
        ComponentConfig c;
        try {
          c = registry.mapper().convertValue(section, kind.configType());
        } catch (IllegalArgumentException e) {
          throw new UserException("Cannot read the " + kind.label() + " section at " + path + ": " + e.getMessage());
        }
        return registry.build(kind, c, path, seeds, type);
      }

      @Override
      public Tracker stageTracker(String stage) {
        Tracker t = tracker(cfg, seeds);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("towerlab.version", version());
        tags.put("towerlab.stage", stage);
        tags.put("mlflow.runName", RunNames.shortName(cfg.run()) + " / " + stage);
        t.start(new RunSpec(cfg.name(), cfg.run() + " / " + stage, dir.getFileName() + "-" + stage,
            dir.resolve("stages").resolve(stage), runTracker.runId(), tags));
        return t;
      }
    };
  }

  /**
   * Marks a run FAILED and closes its tracker while {@code cause} is on its way out. A cleanup
   * that fails too (the disk that caused the error is still full) is attached to the cause as a
   * suppressed exception, never thrown in its place.
   */
  static void failQuietly(Tracker tracker, Throwable cause) {
    try {
      tracker.finish("FAILED");
    } catch (RuntimeException cleanup) {
      cause.addSuppressed(cleanup);
    }
    try {
      tracker.close();
    } catch (RuntimeException cleanup) {
      cause.addSuppressed(cleanup);
    }
  }

  /** The grid's config file as written (the parent run records the grid, not one child). */
  String sourceText(LoadedRun run) {
    try {
      return Files.readString(run.source());
    } catch (IOException e) {
      return registry.toYaml(run.raw());
    }
  }

  private void writeProvenance(Path dir, LoadedRun run, Seeds seeds, Split split) {
    String root = System.getProperty("towerlab.repo.root");
    Map<String, String> versions = new LinkedHashMap<>(Provenance.engineVersions());
    versions.put("towerlab", version());
    Provenance.builder()
        .setConfig(run.effective())
        .optSeeds(seeds.derived())
        .optDataFiles(split.dataset().files())
        .optRepoRoot(root == null ? Path.of("").toAbsolutePath() : Path.of(root))
        .optVersions(versions)
        .optPlugins(registry.modules())
        .optSplit(splitFiles.write(dir, split, splitFrom))
        .write(dir);
  }

  /** Training curves from the run's metric history: losses in one chart, validation metrics in another. */
  private List<Path> trainingPlots(Path dir, String title) {
    List<Path> out = new ArrayList<>();
    Map<String, List<MetricPoint>> history = LocalRun.read(dir).historyByKey();
    Map<String, List<MetricPoint>> losses = new LinkedHashMap<>();
    Map<String, List<MetricPoint>> valid = new LinkedHashMap<>();
    history.forEach((k, v) -> {
      if (v.size() < 2) {
        return;
      }
      if (k.startsWith("train/") && k.contains("loss")) {
        losses.put(k, v);
      } else if (k.startsWith("valid/") && (k.contains("recall") || k.contains("ndcg") || k.endsWith("auc"))) {
        valid.put(k, v);
      }
    });
    if (!losses.isEmpty()) {
      out.add(Plots.trainingCurves(title + ": training loss", losses, dir.resolve("plots").resolve("loss.png")));
    }
    if (!valid.isEmpty()) {
      out.add(Plots.trainingCurves(title + ": validation", valid, dir.resolve("plots").resolve("validation.png")));
    }
    return out;
  }

  /**
   * The run's split, from the cache when an earlier run loaded the same data (and split it with the
   * same protocol and root seed). Loading and splitting draw from a private {@link Seeds} of the
   * run's root seed; the streams they drew are replayed into the run's {@code seeds}, so every
   * run's provenance lists them, cached or not. A data set whose loading drew a stream (the
   * simulator without {@code seed:} draws {@code data.simulator}) is cached per root seed: a grid
   * over {@code seed} gets a freshly generated data set per seed.
   */
  private Split split(ExperimentConfig cfg, LoadedRun run, Seeds seeds) {
    JsonNode dataNode = run.effective().get("data");
    String dataKey = ((ObjectNode) dataNode.deepCopy()).without("protocol").toString();
    String seededKey = dataKey + "#" + cfg.seed();
    Cached<Dataset> data = datasets.containsKey(dataKey) ? datasets.get(dataKey) : datasets.get(seededKey);
    if (data == null) {
      Seeds loadSeeds = new Seeds(cfg.seed());
      DataSource source = registry.build(Kind.DATA, cfg.data(), "$.data", loadSeeds, DataSource.class);
      long t = System.nanoTime();
      Dataset loaded = source.load();
      console.printf(Locale.ROOT, "loaded %s: %,d queries, %,d items, %,d interactions (%.1fs)%n", loaded.name(),
          loaded.numQueries(), loaded.numItems(), loaded.log().size(), (System.nanoTime() - t) / 1e9);
      data = new Cached<>(loaded, loadSeeds.derived().keySet());
      datasets.put(data.streams().isEmpty() ? dataKey : seededKey, data);
    }
    data.streams().forEach(seeds::seed);
    String splitKey = dataNode + "#" + cfg.seed();
    Cached<Split> split = splits.get(splitKey);
    if (split == null) {
      Seeds splitSeeds = new Seeds(cfg.seed());
      Protocol protocol = registry.build(Kind.PROTOCOL, cfg.data().protocol(), "$.data.protocol", splitSeeds,
          Protocol.class);
      Split s = splitFrom != null ? SplitFile.read(splitFrom, data.value()) : protocol.split(data.value(), splitSeeds);
      console.printf(Locale.ROOT, "protocol %s%s: train %,d, valid %,d, test %,d%n", s.protocol(),
          splitFrom == null ? "" : " (split from " + splitFrom + ")", s.train().size(), s.valid().size(), s.test().size());
      split = new Cached<>(s, splitSeeds.derived().keySet());
      splits.put(splitKey, split);
    }
    split.streams().forEach(seeds::seed);
    return split.value();
  }

  /** A cached data set or split and the seed streams drawn to make it. */
  private record Cached<T>(T value, java.util.Set<String> streams) {}

  Tracker tracker(ExperimentConfig cfg, Seeds seeds) {
    ComponentConfig.Tracker tc = cfg.tracking();
    String env = System.getenv("MLFLOW_TRACKING_URI");
    if (env != null && !env.isBlank() && "local".equals(typeOf(tc)) && registry.find(Kind.TRACKER, "mlflow").isPresent()) {
      tc = registry.mapper().convertValue(Map.of("type", "mlflow"), ComponentConfig.Tracker.class);
    }
    if (tc == null || localTrackingOnly) {
      tc = registry.mapper().convertValue(Map.of("type", "local"), ComponentConfig.Tracker.class);
    }
    return registry.build(Kind.TRACKER, tc, "$.tracking", seeds, Tracker.class);
  }

  /** The registered name of each section of the config ({@code model -> two-tower}). */
  private Map<String, String> types(ExperimentConfig cfg) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("protocol", typeOf(cfg.data().protocol()));
    t.put("data", typeOf(cfg.data()));
    t.put("model", typeOf(cfg.model()));
    t.put("sampler", typeOf(cfg.sampler()));
    t.put("loss", typeOf(cfg.loss()));
    t.put("trainer", typeOf(cfg.trainer()));
    return t;
  }

  private String typeOf(ComponentConfig c) {
    if (c == null) {
      return "none";
    }
    return registry.all().stream().filter(r -> r.configClass() == c.getClass()).map(r -> r.name()).findFirst()
        .orElse(c.getClass().getSimpleName());
  }

  /** The effective config flattened to dotted keys ({@code model.query-tower.output-dim}). */
  public static Map<String, String> flatten(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", node, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
    } else if (node.isArray() && node.size() > 0 && node.get(0).isContainerNode()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "." + i, node.get(i), out);
      }
    } else if (!node.isNull()) {
      out.put(prefix, node.isTextual() ? node.asText() : node.toString());
    }
  }

  static void writeText(Path file, String text) {
    AtomicFiles.writeString(file, text);
  }

  static void writeFloats(Path file, float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    AtomicFiles.write(file, buf.array());
  }

  /**
   * The run's directory: with {@code resume} {@code parent/id} (existing or new), else a new one,
   * {@code id}, {@code id-2}, ... created atomically, so two processes starting at once never get
   * the same.
   */
  static Path uniqueDir(Path parent, String id, boolean resume) {
    Path dir = parent.resolve(id);
    try {
      if (resume) {
        return Files.createDirectories(dir);
      }
      Files.createDirectories(parent);
      for (int n = 2; ; n++) {
        try {
          return Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          dir = parent.resolve(id + "-" + n);
        }
      }
    } catch (IOException e) {
      throw new UserException("Cannot create the run directory " + dir + " (" + e + "). Pass a writable --out"
          + " directory.");
    }
  }

  static String slug(String s) {
    String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    if (out.length() > 60) {
      out = out.substring(0, 60);
    }
    return out.isEmpty() ? "run" : out;
  }

  static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String version() {
    String v = ExperimentRunner.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
