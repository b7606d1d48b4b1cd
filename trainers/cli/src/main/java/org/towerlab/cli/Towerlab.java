package org.towerlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Model;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainingStrategy;
import org.towerlab.registry.ComponentDescriber;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.tracking.mlflow.MlflowCredentials;
import org.towerlab.tracking.mlflow.MlflowSync;
import org.towerlab.registry.io.Mappers;

/**
 * The {@code towerlab} command line.
 *
 * <p>Exit codes: 0 success; 1 internal error (a bug: the stack trace is printed with
 * {@code --debug}); 2 user error (bad config, bad arguments, bad data file, unknown component,
 * changed data on {@code reproduce}), reported as one paragraph on stderr without a stack trace,
 * and found before anything is written; 3 the command ran but its outcome is not clean
 * ({@code reproduce}: metrics differ; {@code mlflow sync}: some runs failed and are left for the
 * next sync); 4 the output could not be written (disk full, read-only file system, run directory
 * removed), reported with the operating system's reason: what was written stays for
 * {@code --resume}; 5 {@code check}: a metric of the run is outside its replication record
 * ({@link CheckCommand#OUTSIDE_RECORD}).
 *
 * <p>Every message is printed with credentials in URIs masked and over-long values shortened.
 */
@Command(name = "towerlab", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
    scope = ScopeType.INHERIT, // every subcommand gets --help, --version and the usage settings
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Two-tower retrieval and pre-ranking experiments: run, validate and inspect configs.",
    subcommands = {Towerlab.Run.class, Towerlab.Validate.class, Towerlab.Components.class,
        Towerlab.Config.class, Towerlab.Reproduce.class, Towerlab.Summarize.class, Towerlab.Mlflow.class, Towerlab.BenchCommand.class,
        DataCommand.class, NewModuleCommand.class, CheckCommand.class, EvaluateCommand.class,
        CommandLine.HelpCommand.class})
public final class Towerlab implements Callable<Integer> {
  /** Exit code of user errors (also picocli's usage-error code). */
  public static final int USER_ERROR = 2;
  /** Exit code of a command that ran but whose check failed (metrics differ, runs not synced). */
  public static final int NOT_CLEAN = 3;
  /** Exit code of an output that could not be written (disk full, read-only, directory removed). */
  public static final int IO_ERROR = 4;

  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
  boolean debugOption;

  @Option(names = "--plugins", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Also load plugin modules from DIR (a folder of jars, or one jar); repeatable. See PluginSupport.")
  List<Path> pluginDirs = new ArrayList<>();

  private final Supplier<Registry> registrySupplier;
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private Registry registry;
  private boolean debug;

  /**
   * @param registry supplies the registry on first use ({@link Registry#discover} in production)
   * @param env variables for {@code ${VAR}} interpolation in configs
   */
  public Towerlab(Supplier<Registry> registry, Map<String, String> env, PrintStream out, PrintStream err) {
    this.registrySupplier = registry;
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    org.towerlab.trainers.EngineRuntime.prepare(); // before the engine loads: how idle threads wait, MKL strict mode
    int code = new Towerlab(Registry::discover, System.getenv(), System.out, System.err).execute(args);
    System.out.flush();
    System.exit(code);
  }

  /** Parses {@code args}, runs the command and returns its exit code; never throws. */
  public int execute(String... args) {
    int end = Arrays.asList(args).indexOf("--");
    debug = Arrays.asList(args).subList(0, end < 0 ? args.length : end).contains("--debug");
    CommandLine cl = new CommandLine(this);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex));
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int handle(Throwable ex) {
    Throwable t = ex;
    while (!(t instanceof UserException) && t.getCause() != null && t.getCause() != t
        && (t instanceof ExceptionInInitializerError || t instanceof java.lang.reflect.InvocationTargetException
            || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    if (t instanceof UserException) {
      err.println(Messages.clean(t.getMessage()));
      if (debug) {
        t.printStackTrace(err);
      }
      return USER_ERROR;
    }
    java.io.IOException io = Messages.ioCause(ex);
    if (io != null) {
      err.println(Messages.clean(Messages.ioError(ex, io)));
      if (debug) {
        ex.printStackTrace(err);
      }
      return IO_ERROR;
    }
    err.println(Messages.clean("towerlab: internal error: " + t + (debug ? "" : " (run with --debug for the stack trace)")));
    if (debug) {
      t.printStackTrace(err);
    }
    return 1;
  }

  /** No subcommand: print the usage and fail. */
  @Override
  public Integer call() {
    new CommandLine(this).usage(err);
    return USER_ERROR;
  }

  Registry registry() {
    if (registry == null) {
      registry = PluginSupport.registry(registrySupplier, pluginDirs, env);
    }
    return registry;
  }

  Map<String, String> env() {
    return env;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  List<LoadedRun> load(Path config, List<String> overrides) {
    return new ConfigLoader(registry()).loadRuns(config, overrides, env);
  }

  /** The cluster backend {@code name} on the class path (the {@code towerlab-spark} module), or a user error. */
  static org.towerlab.trainers.ClusterBackend cluster(String name, String option) {
    return org.towerlab.trainers.ClusterBackend.find(name).orElseThrow(() -> new UserException(option + " needs the"
        + " towerlab-" + name + " module on the class path, and this distribution does not have it (a local run never"
        + " loads Spark). From a source checkout, ./towerlab adds it when the command line has --spark; on a cluster,"
        + " submit the job jar (mvn -B -ntp -Pjob-jar package -pl trainers/spark -am) with spark-submit. See"
        + " docs/scale.md."));
  }

  /** The config file and its {@code --set} overrides: run, validate and config. */
  static final class ConfigArgs {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment config (.yaml, .yml or .json).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override a config value, e.g. --set seed=3 --set 'sampler={type: mixed}'.")
    List<String> overrides = new ArrayList<>();
  }

  /** {@code --split-from}: run and validate. */
  static final class SplitFromArg {
    @Option(names = "--split-from", paramLabel = "RUN_DIR",
        description = "Use the split of an earlier run (its split.csv.gz) instead of the protocol; refused when the"
            + " data files differ from the ones it recorded.")
    Path splitFrom;
  }

  /** Version from the Maven-filtered {@code towerlab-version.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"towerlab " + version(),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    static String version() {
      Properties p = new Properties();
      try (InputStream in = Towerlab.class.getResourceAsStream("/towerlab-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        return "unknown";
      }
      return p.getProperty("version", "unknown");
    }
  }

  @Command(name = "run",
      description = "Run every experiment of a config file (one per grid child).")
  static final class Run implements Callable<Integer> {
    @ParentCommand Towerlab parent;
    @Mixin ConfigArgs args;
    @Mixin SplitFromArg split;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
        description = "Run store directory (default: ${DEFAULT-VALUE}); with --spark also a Hadoop file system URI"
            + " every executor can reach (hdfs://..., s3a://...).")
    String outDir;

    @Option(names = "--resume", description = "Skip runs already finished in the run store.")
    boolean resume;

    @Option(names = "--spark", paramLabel = "MASTER",
        description = "Run each grid child as a task of a Spark job on MASTER (local[2], spark://host:7077, yarn);"
            + " needs the towerlab-spark module on the class path (docs/scale.md).")
    String spark;

    @Override
    public Integer call() {
      List<LoadedRun> runs = parent.load(args.config, args.overrides);
      if (spark != null) {
        return cluster("spark", "--spark").runGrid(parent.registry(), runs,
            new org.towerlab.trainers.ClusterBackend.GridRequest(spark, outDir, resume, split.splitFrom), parent.out);
      }
      org.towerlab.trainers.EngineRuntime.apply(runs.get(0).runtime());
      return new ExperimentRunner(parent.registry(), parent.out).splitFrom(split.splitFrom).run(runs, Path.of(outDir), resume);
    }
  }

  @Command(name = "validate",
      description = {"Check every run of a config as 'run' does before it writes anything: bind and build every",
          "component, load and split the data, and pass 2 rows through the model, one training step and",
          "the evaluators. Writes nothing. --no-data checks the config and components only."})
  static final class Validate implements Callable<Integer> {
    @ParentCommand Towerlab parent;
    @Mixin ConfigArgs args;
    @Mixin SplitFromArg split;

    @Option(names = "--no-data", description = "Do not load data: check the config and build the components only.")
    boolean noData;

    @Override
    public Integer call() {
      Path config = args.config;
      Path splitFrom = split.splitFrom;
      List<LoadedRun> runs = parent.load(config, args.overrides);
      for (LoadedRun run : runs) {
        try {
          buildAll(run.config());
        } catch (UserException e) {
          throw new UserException(config + " (run " + run.config().run() + "): " + e.getMessage(), e);
        }
      }
      // a tune: section's trials are checked too (their values bind, the combinations are valid)
      List<org.towerlab.trainers.Tuner.TrialSpec> trials = runs.get(0).tune() == null ? List.of()
          : org.towerlab.trainers.Tuner.trials(parent.registry(), runs);
      for (org.towerlab.trainers.Tuner.TrialSpec t : trials) {
        try {
          buildAll(t.run().config());
        } catch (UserException e) {
          throw new UserException(config + " (tuning trial " + t.run().config().run() + "): " + e.getMessage(), e);
        }
      }
      if (!noData) {
        // progress lines (data loaded, split sizes) go to stderr: stdout holds the verdict only
        ExperimentRunner checker = new ExperimentRunner(parent.registry(), parent.err).splitFrom(splitFrom);
        checker.check(runs);
        if (!trials.isEmpty()) {
          checker.check(trials.stream().filter(t -> t.sameAs() == null).map(t -> t.run()).toList());
        }
      }
      String split = splitFrom == null ? "" : "; " + SplitCheck.check(parent.registry(), runs, splitFrom);
      parent.out.println("OK: " + config + ": " + runs.size() + " run(s)"
          + (trials.isEmpty() ? "" : ", " + trials.size() + " tuning trial(s)") + (noData ? " (data not loaded)" : "")
          + split);
      return 0;
    }

    private void buildAll(ExperimentConfig c) {
      Seeds seeds = new Seeds(c.seed());
      build(Kind.DATA, c.data(), "$.data", seeds, DataSource.class);
      if (c.data() != null && c.data().protocol() != null) {
        build(Kind.PROTOCOL, c.data().protocol(), "$.data.protocol", seeds, Protocol.class);
      }
      Model model = (Model) build(Kind.MODEL, c.model(), "$.model", seeds, Model.class);
      Sampler sampler = (Sampler) build(Kind.SAMPLER, c.sampler(), "$.sampler", seeds, Sampler.class);
      Loss loss = (Loss) build(Kind.LOSS, c.loss(), "$.loss", seeds, Loss.class);
      Object trainer = build(Kind.TRAINER, c.trainer(), "$.trainer", seeds, TrainingStrategy.class);
      if (model != null) {
        List<String> problems = org.towerlab.api.Compatibility.Parts.of(model, sampler, loss).withTrainer(trainer)
            .problems();
        if (!problems.isEmpty()) {
          throw new UserException("Invalid combination: " + String.join(" ", problems));
        }
      }
      for (int i = 0; i < c.evaluators().size(); i++) {
        build(Kind.EVALUATOR, c.evaluators().get(i), "$.evaluators[" + i + "]", seeds, Evaluator.class);
      }
      build(Kind.TRACKER, c.tracking(), "$.tracking", seeds, Tracker.class);
    }

    private Object build(Kind kind, ComponentConfig cfg, String path, Seeds seeds, Class<?> type) {
      if (cfg == null) {
        return null;
      }
      Object built = parent.registry().build(kind, cfg, path, seeds, type);
      if (built instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing the " + kind.label() + " built at " + path, e);
        }
      }
      return built;
    }
  }

  @Command(name = "components",
      description = "List the registered components with their config keys.")
  static final class Components implements Callable<Integer> {
    @ParentCommand Towerlab parent;

    @Option(names = "--kind", paramLabel = "KIND", description = "Only this kind (data, model, tower, ...).")
    String kind;

    @Option(names = "--markdown", description = "Markdown tables (the content of docs/components.md).")
    boolean markdown;

    @Override
    public Integer call() {
      List<Kind> kinds;
      if (kind == null) {
        kinds = List.of(Kind.values());
      } else {
        Kind k = Kind.fromLabel(kind);
        if (k == null) {
          List<String> labels = Arrays.stream(Kind.values()).map(Kind::label).toList();
          throw new UserException("Unknown component kind '" + kind + "' in --kind. Known kinds: " + labels + ".");
        }
        kinds = List.of(k);
      }
      if (markdown) {
        parent.out.print(ComponentsMarkdown.render(new ComponentDescriber(parent.registry()), parent.registry(), kinds));
        return 0;
      }
      ComponentsTable.print(parent.out, new ComponentDescriber(parent.registry()), parent.registry(), kinds);
      return 0;
    }
  }

  @Command(name = "config",
      description = "Print the effective config of each run (defaults filled, overrides and grid applied).")
  static final class Config implements Callable<Integer> {
    @ParentCommand Towerlab parent;
    @Mixin ConfigArgs args;

    @Option(names = "--json", description = "JSON instead of YAML (one object, or an array for a grid).")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
      List<LoadedRun> runs = parent.load(args.config, args.overrides);
      if (json) {
        JsonNode node = runs.size() == 1 ? runs.get(0).effective()
            : JsonNodeFactory.instance.arrayNode().addAll(runs.stream().map(LoadedRun::effective).toList());
        parent.out.println(Mappers.pretty().writeValueAsString(node));
        return 0;
      }
      for (int i = 0; i < runs.size(); i++) {
        if (runs.size() > 1) {
          parent.out.print((i > 0 ? "---\n" : "") + "# run: " + runs.get(i).config().run() + "\n");
        }
        parent.out.print(parent.registry().toYaml(runs.get(i).effective()));
      }
      return 0;
    }
  }

  @Command(name = "summarize",
      description = {"Recompute a finished grid's summary over seeds (summary.md, summary.csv) from its run"
          + " directories and print it.",
          "Per metric: mean, std and 95%% interval over seeds. Against the first method: the mean difference with"
          + " its 95%% two-way (user x seed) cluster-bootstrap interval, p of the crossed test, effect sizes, and a"
          + " paired t-test on per-seed means; Holm over every method x metric comparison, or over the methods on"
          + " summary.primary-metric (the other metrics exploratory). See docs/metrics.md.",
          "Also redraws the grid's quality-vs-cost charts (plots/quality-vs-flops.png, quality-vs-latency.png)."})
  static final class Summarize implements Callable<Integer> {
    @ParentCommand Towerlab parent;

    @Parameters(index = "0", paramLabel = "GRID_DIR", description = "The grid's parent run directory.")
    Path gridDir;

    @Option(names = "--primary-metric", paramLabel = "METRIC",
        description = "Declare the primary metric (overrides summary.primary-metric of the grid's config).")
    String primaryMetric;

    @Option(names = "--resamples", paramLabel = "N",
        description = "Bootstrap resamples (overrides summary.resamples; default 2000).")
    Integer resamples;

    @Option(names = "--metrics", paramLabel = "METRIC", split = ",",
        description = "The table's test metrics, comma-separated (overrides summary.metrics).")
    java.util.List<String> metrics;

    @Option(names = "--cost-stage", paramLabel = "STAGE",
        description = "Plot this cascade stage's cost in the quality-vs-cost charts (overrides summary.cost-stage).")
    String costStage;

    @Override
    public Integer call() {
      if (!java.nio.file.Files.isRegularFile(gridDir.resolve("run.json"))) {
        throw new UserException(gridDir + " is not a run directory (no run.json). Pass the grid's parent run"
            + " directory, runs/<experiment>/<experiment>-grid-<hash>.");
      }
      if (resamples != null && resamples < 100) {
        throw new UserException("--resamples must be at least 100 (2000 recommended), got " + resamples + ".");
      }
      parent.out.println(org.towerlab.trainers.GridSummary.rebuild(gridDir, primaryMetric, resamples, costStage,
          metrics));
      return 0;
    }
  }

  @Command(name = "reproduce",
      description = {"Rerun a finished run from its effective-config.yaml and provenance.json and diff the metrics.",
          "Refuses (exit 2) when the data files' hashes differ from the recorded ones; exit 3 when metrics differ."})
  static final class Reproduce implements Callable<Integer> {
    @ParentCommand Towerlab parent;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory runs/<experiment>/<run-id>.")
    Path runDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/reproduce",
        description = "Run store for the rerun (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Override
    public Integer call() {
      Reproduction.Result r = new Reproduction(parent.registry(), parent.out).reproduce(runDir, outDir);
      return r.identical() ? 0 : NOT_CLEAN;
    }
  }

  @Command(name = "mlflow",
      description = "MLflow utilities (see docs/tracking.md).", subcommands = {MlflowSyncCommand.class})
  static final class Mlflow implements Callable<Integer> {
    @ParentCommand Towerlab parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** No subcommand: print the usage and fail. */
    @Override
    public Integer call() {
      spec.commandLine().usage(parent.err);
      return USER_ERROR;
    }
  }

  @Command(name = "sync",
      description = {"Push local runs that are not (fully) on an MLflow server; idempotent.",
          "Credentials: MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN.",
          "Exit 3 when some runs failed to sync (they are left for the next sync)."})
  static final class MlflowSyncCommand implements Callable<Integer> {
    @ParentCommand Mlflow mlflow;

    @Parameters(arity = "0..*", paramLabel = "RUN_DIR",
        description = "Run directories, experiment directories or a runs root (default: --runs).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
        description = "Run store synced when no RUN_DIR is given (default: ${DEFAULT-VALUE}).")
    Path runsRoot;

    @Option(names = "--uri", paramLabel = "URI", description = "MLflow server (default: env MLFLOW_TRACKING_URI).")
    String uri;

    @Option(names = "--insecure-tls", description = "Skip TLS certificate checks (self-signed test servers only).")
    boolean insecureTls;

    @Override
    public Integer call() {
      Towerlab t = mlflow.parent;
      String server = uri != null && !uri.isBlank() ? uri.strip() : t.env.get("MLFLOW_TRACKING_URI");
      if (server == null || server.isBlank()) {
        throw new UserException("towerlab mlflow sync needs an MLflow server: set MLFLOW_TRACKING_URI (for example"
            + " http://127.0.0.1:5000) or pass --uri.");
      }
      if (!server.startsWith("http://") && !server.startsWith("https://")) {
        throw new UserException("towerlab mlflow sync: the MLflow server '" + org.towerlab.tracking.Secrets.redact(server)
            + "' (from "
            + (uri != null && !uri.isBlank() ? "--uri" : "MLFLOW_TRACKING_URI") + ") must be an http:// or https:// URL;"
            + " the Java client has no local file store.");
      }
      List<Path> targets = paths.isEmpty() ? List.of(runsRoot) : paths;
      MlflowSync.Summary summary = MlflowSync.sync(targets, server, MlflowCredentials.fromEnv(t.env), insecureTls);
      for (MlflowSync.RunResult r : summary.runs()) {
        if (r.error() != null) {
          t.out.printf(java.util.Locale.ROOT, "%-10s %s: %s%n", r.action(), r.runDir(), r.error());
        } else {
          t.out.printf(java.util.Locale.ROOT, "%-10s %s -> %s (sent %d params, %d metric points, %d tags,"
              + " %d artifacts)%n", r.action(), r.runDir(), r.mlflowRunId(), r.params(), r.metrics(), r.tags(),
              r.artifacts());
        }
      }
      t.out.println(summary + " (" + org.towerlab.tracking.Secrets.redact(server) + ")");
      return summary.count("failed") > 0 ? NOT_CLEAN : 0;
    }
  }

  @Command(name = "bench",
      description = {"Benchmark training, evaluation, scoring and memory; print a Markdown table.",
          "Not tests: training throughput, full-corpus evaluation time, scoring GFLOP/s against the",
          "machine's matmul GFLOP/s, RSS growth over 20 epochs. The table is for docs/benchmarks.md.",
          "Uses the whole CPU for a long time: run it on an otherwise idle machine."})
  static final class BenchCommand implements Callable<Integer> {
    @ParentCommand Towerlab parent;

    @Option(names = "--what", paramLabel = "PART", defaultValue = "all",
        description = "train, eval, scoring, memory, crossover, vocab, two-jobs, scale, pytorch, all (every part"
            + " but pytorch, which needs Python, and spark-scale) or spark-scale (the Spark corpus-scale scoring job;"
            + " needs the towerlab-spark module, see docs/scale.md) (default: ${DEFAULT-VALUE}).")
    String what;

    @Option(names = "--quick", description = "Shrink every benchmark to a smoke test (numbers not for docs).")
    boolean quick;

    @Option(names = "--compare-pytorch", description = "Run the PyTorch eager reference interleaved with TowerLab"
        + " (same as --what pytorch; needs python3 and, on first use, a PyTorch download into a cached venv).")
    boolean comparePytorch;

    @Option(names = "--rounds", defaultValue = "3", description = "A,B rounds of --compare-pytorch (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs per run of pytorch and two-jobs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--wait-policies", split = ",", description = "How idle engine threads wait, per"
        + " two-jobs comparison: auto (TowerLab's default: spin, team sized to the free cores), unset (libgomp's"
        + " default, fixed team), or an OMP_WAIT_POLICY value (PASSIVE, ACTIVE); default: auto.")
    List<String> waitPolicies = new ArrayList<>();

    @Option(names = "--plots", paramLabel = "DIR", description = "Where scale writes its PNG plots (default: docs/figures).")
    Path plots;

    @Option(names = "--worker", hidden = true, description = "Internal: run one benchmark job and print its result.")
    String worker;

    @Option(names = "--spark", paramLabel = "MASTER",
        description = "With --what spark-scale: the Spark master of the corpus-scale scoring benchmark (local[2]).")
    String spark;

    @Option(names = "--bench-set", paramLabel = "KEY=VALUE",
        description = "A size of the Spark benchmark: queries, items, dim, k, partitions, query-block, item-block.")
    Map<String, String> benchSet = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() {
      if (what.equals("spark-scale")) {
        cluster("spark", "bench --what spark-scale").bench(spark == null ? "local[2]" : spark, benchSet, parent.out);
        return 0;
      }
      Bench bench = new Bench(parent.registry(), parent.out, parent.err, quick);
      if (worker != null) {
        PerfBench.worker(bench, worker, parent.out);
        return 0;
      }
      String w = comparePytorch ? "pytorch" : what;
      java.util.Set<Bench.Part> parts = Bench.parts(w);
      String command = "towerlab bench " + (comparePytorch ? "--compare-pytorch" : "--what " + what)
          + (quick ? " --quick" : "");
      bench.perfOptions(new PerfBench.Options(rounds, epochs, waitPolicies, plots)).run(parts, command);
      return 0;
    }
  }
}
