package org.towerlab.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
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
import org.towerlab.evaluators.bench.ScoringBench;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.trainers.Evaluations;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.PlainTrainer;
import org.towerlab.trainers.PlainTrainerConfig;
import org.towerlab.trainers.TowerScorer;
import org.towerlab.tracking.provenance.Provenance;

/**
 * {@code towerlab bench}: benchmarks, not tests. Each part prints its numbers as it goes; at the end
 * a Markdown table (machine facts, then one row per measurement) is printed for
 * {@code docs/benchmarks.md}.
 *
 * <ul>
 *   <li>{@code train}: training examples per second of the baseline two-tower (the settings of
 *       {@code examples/quickstart.yaml}: MLP towers 32/[128]/64, cosine / 0.1, in-batch sampled
 *       softmax with logQ, batch 1024) on ML-100K and on a simulator log of about 1,000,000
 *       interactions; the first epoch (with engine and JIT warm-up) is reported apart from the rest;
 *   <li>{@code eval}: full-corpus top-K evaluation ({@code ks [10, 20, 50]}) of the ML-100K test part
 *       with a trained two-tower: corpus encoding, the first and the best of three evaluations;
 *   <li>{@code scoring}: {@link ScoringBench} at 10,000 queries x 100,000 items x 64 dims, its scoring
 *       GFLOP/s beside the machine's measured matmul GFLOP/s;
 *   <li>{@code memory}: resident set size ({@code VmRSS}) at the end of every epoch of a 20-epoch
 *       ML-100K two-tower run with validation every epoch, and the growth from the mean of epochs
 *       2-4 to the mean of epochs 18-20 (target below 10%). Single epochs move by about 20 MB
 *       either way (allocator and heap), so a two-point comparison of epoch 2 and epoch 20 flagged
 *       growth in one run out of three that a 60-epoch trace showed to be noise.
 * </ul>
 *
 * {@code quick} shrinks every part to a smoke test of a few seconds.
 */
final class Bench {
  /** What to measure. */
  enum Part {
    TRAIN, EVAL, SCORING, MEMORY, PYTORCH, CROSSOVER, VOCAB, TWO_JOBS, SCALE;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Growth of RSS between the two memory measurements above which the run is flagged. */
  static final double MEMORY_GROWTH_TARGET_PERCENT = 10.0;

  static final String ML100K = "{type: ml-100k, protocol: {type: per-user-ratio, min-rating: 3}}";
  /** What {@code --quick} trains on instead of ML-100K: a simulator log of about 8,000 interactions. */
  static final String QUICK_STAND_IN = "{type: simulator, n-users: 400, n-items: 300, interactions-per-user: 20}";

  /** One row of the result table. */
  record Row(String benchmark, String setting, String result) {}

  private final Registry registry;
  private final PrintStream out;
  private final PrintStream progress;
  private final boolean quick;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Split> splits = new HashMap<>();
  private PerfBench.Options perfOptions = PerfBench.Options.defaults();

  /**
   * @param out results and the final table
   * @param progress the trainer's progress lines
   * @param quick shrink everything (smoke test)
   */
  Bench(Registry registry, PrintStream out, PrintStream progress, boolean quick) {
    this.registry = registry;
    this.out = out;
    this.progress = progress;
    this.quick = quick;
  }

  /** Settings of the performance parts ({@link PerfBench}). */
  Bench perfOptions(PerfBench.Options options) {
    this.perfOptions = options;
    return this;
  }

  /**
   * Parses {@code --what}: one part or {@code all}. {@code all} is every part but {@code pytorch}:
   * the PyTorch comparison needs Python and a PyTorch download, so it runs only when asked for
   * ({@code --compare-pytorch} or {@code --what pytorch}); every other part is plain Java.
   */
  static Set<Part> parts(String what) {
    if ("all".equalsIgnoreCase(what)) {
      return EnumSet.complementOf(EnumSet.of(Part.PYTORCH));
    }
    for (Part p : Part.values()) {
      if (p.label().equalsIgnoreCase(what)) {
        return EnumSet.of(p);
      }
    }
    throw new UserException("Unknown benchmark '" + what + "' in --what. Known: [train, eval, scoring, memory,"
        + " pytorch, crossover, vocab, two-jobs, scale, all, spark-scale].");
  }

  /** Runs the parts in order, then prints the Markdown table. */
  List<Row> run(Set<Part> parts, String commandLine) {
    out.println("towerlab bench" + (quick ? " (quick: shrunk sizes, not for docs)" : "") + ": "
        + parts.stream().map(Part::label).toList());
    for (Part p : parts) {
      out.println();
      out.println("## " + p.label());
      switch (p) {
        case TRAIN -> train();
        case EVAL -> eval();
        case SCORING -> scoring();
        case MEMORY -> memory();
        case PYTORCH -> new PerfBench(this, out, quick, perfOptions).pytorch(rows);
        case CROSSOVER -> new PerfBench(this, out, quick, perfOptions).crossover(rows);
        case VOCAB -> new PerfBench(this, out, quick, perfOptions).vocab(rows);
        case TWO_JOBS -> new PerfBench(this, out, quick, perfOptions).twoJobs(rows);
        case SCALE -> new PerfBench(this, out, quick, perfOptions).scale(rows);
        default -> throw new IllegalStateException(p.toString());
      }
    }
    out.println();
    out.print(markdown(commandLine));
    return List.copyOf(rows);
  }

  // ---------------------------------------------------------------- parts

  private void train() {
    int epochs = quick ? 2 : 3;
    Measured ml = trainRun(ml100k(), epochs, false);
    rows.add(new Row("training throughput", ml100kLabel() + ", " + count(ml.split.train().size())
        + " train rows; " + modelSetting() + "; " + epochs + " epochs",
        throughput(ml.epochMetrics, "epoch 1 (with warm-up)")));

    // ~1,000,000 logged interactions (50,000 users x U[1, 39] impressions); training rows are the clicks.
    // One epoch: the engine and the JIT are already warm from the run above.
    String sim = quick ? "{type: simulator, n-users: 200, n-items: 300, interactions-per-user: 20}"
        : "{type: simulator, n-users: 50000, n-items: 5000, interactions-per-user: 20}";
    Measured s = trainRun(sim, 1, false);
    rows.add(new Row("training throughput", "simulator " + count(s.split.dataset().log().size()) + " interactions ("
        + count(s.split.train().size()) + " train rows, " + count(s.split.dataset().numItems()) + " items); "
        + modelSetting() + "; 1 epoch", throughput(s.epochMetrics, "epoch 1 (warmed up by the run above)")));
  }

  private void eval() {
    int epochs = quick ? 1 : 3;
    ExperimentConfig cfg = config(ml100k(), epochs, true);
    Split split = split(ml100k(), cfg);
    Seeds seeds = new Seeds(cfg.seed());
    Components c = components(cfg, seeds);
    try (NDManager manager = NDManager.newBaseManager()) {
      Params params = initialize(c, split, seeds, manager);
      new PlainTrainer((PlainTrainerConfig) cfg.trainer(), progress).train(new TrainContext(c.model, c.sampler,
          c.loss, split, List.of(), seeds, new EpochRecorder(), tempDir(), false, params, manager));
      try (TowerScorer scorer = new TowerScorer(c.model, new FeatureBatches(split), split.dataset().numItems(),
          manager)) {
        long t0 = System.nanoTime();
        scorer.refresh();
        double encode = seconds(t0);
        double first = 0;
        double best = Double.POSITIVE_INFINITY;
        Map<String, Double> metrics = Map.of();
        int reps = quick ? 1 : 3;
        for (int r = 0; r < reps; r++) {
          t0 = System.nanoTime();
          metrics = Evaluations.evaluate(c.evaluators, split, "test", scorer, manager).metrics();
          double sec = seconds(t0);
          first = r == 0 ? sec : first;
          best = Math.min(best, sec);
        }
        long queries = split.test().queries().length == 0 ? 0
            : java.util.Arrays.stream(split.test().queries()).distinct().count();
        out.printf(Locale.ROOT, "encode %d items: %.3f s; evaluate %d test queries x %d items: first %.3f s,"
            + " best of %d %.3f s (%.0f queries/s); test/recall@20 = %.4f%n", split.dataset().numItems(), encode,
            queries, split.dataset().numItems(), first, reps, best, queries / best,
            metrics.getOrDefault("test/recall@20", Double.NaN));
        rows.add(new Row("full-corpus evaluation", ml100kLabel() + ", test part: " + count(queries) + " queries x "
            + count(split.dataset().numItems()) + " items, topk ks [10, 20, 50], seen items masked; two-tower after "
            + epochs + " epochs", String.format(Locale.ROOT, "%.3f s first, %.3f s best of %d (%,.0f queries/s);"
            + " corpus encoding %.3f s; recall@20 %.4f", first, best, reps, queries / best, encode,
            metrics.getOrDefault("test/recall@20", Double.NaN))));
      }
    }
  }

  private void scoring() {
    int queries = quick ? 500 : 10_000;
    int items = quick ? 5_000 : 100_000;
    int dim = 64;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    // ScoringBench prints its results; capture them (and show them) instead of copying its logic.
    System.setOut(new PrintStream(new Tee(captured, out), true, StandardCharsets.UTF_8));
    try {
      ScoringBench.main(new String[] {"queries=" + queries, "items=" + items, "dim=" + dim});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      System.out.flush();
      System.setOut(saved);
    }
    ScoringNumbers n = ScoringNumbers.parse(captured.toString(StandardCharsets.UTF_8));
    rows.add(new Row("scoring (ScoringBench)", count(queries) + " queries x " + count(items) + " items x " + dim
        + " dims, dot product in blocks of 512 queries", String.format(Locale.ROOT,
        "scoring %s GFLOP/s vs machine matmul %s GFLOP/s (%s of peak); end to end with top-50 %s s, %s queries/s",
        fmt(n.scoringGflops()), fmt(n.matmulGflops()), n.fractionOfPeak() == null ? "n/a"
            : String.format(Locale.ROOT, "%.0f%%", 100 * n.fractionOfPeak()), fmt(n.endToEndSeconds()),
        n.endToEndQueriesPerSecond() == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", n.endToEndQueriesPerSecond()))));
  }

  private void memory() {
    int late = quick ? 4 : 20;
    int[] early = quick ? new int[] {2} : new int[] {2, 3, 4};
    int[] end = quick ? new int[] {4} : new int[] {18, 19, 20};
    Measured m = trainRun(ml100k(), late, true);
    double a = meanRss(m, early);
    double b = meanRss(m, end);
    if (Double.isNaN(a) || Double.isNaN(b) || a <= 0) {
      rows.add(new Row("memory (RSS)", ml100kLabel() + ", " + late + " epochs", "n/a (no /proc/self/status"
          + " or the run stopped early)"));
      return;
    }
    double growth = 100.0 * (b - a) / a;
    out.printf(Locale.ROOT, "VmRSS per epoch (MB): %s%n", m.rssKb.entrySet().stream()
        .map(e -> e.getKey() + ":" + e.getValue() / 1024).toList());
    rows.add(new Row("memory (RSS)", ml100kLabel() + ", validation every epoch; " + modelSetting(),
        String.format(Locale.ROOT, "VmRSS %.0f MB (mean of epochs %s), %.0f MB (mean of epochs %s): %+.1f%% (%s %.0f%%);"
            + " epoch %d alone %d MB, epoch %d alone %d MB", a / 1024, range(early), b / 1024, range(end), growth,
            growth < MEMORY_GROWTH_TARGET_PERCENT ? "within target <" : "ABOVE target <", MEMORY_GROWTH_TARGET_PERCENT,
            early[0], m.rssKb.get(early[0]) / 1024, late, m.rssKb.get(late) / 1024)));
  }

  private static double meanRss(Measured m, int[] epochs) {
    double sum = 0;
    for (int e : epochs) {
      Long kb = m.rssKb.get(e);
      if (kb == null || kb <= 0) {
        return Double.NaN;
      }
      sum += kb;
    }
    return sum / epochs.length;
  }

  private static String range(int[] epochs) {
    return epochs.length == 1 ? String.valueOf(epochs[0]) : epochs[0] + "-" + epochs[epochs.length - 1];
  }

  // ---------------------------------------------------------------- training harness

  /** One training run's split and its per-epoch metrics, RSS and process CPU seconds. */
  record Measured(Split split, Map<Integer, Map<String, Double>> epochMetrics, Map<Integer, Long> rssKb,
      Map<Integer, Double> cpuSeconds) {}

  record Components(Model model, Sampler sampler, Loss loss, List<Evaluator> evaluators) {}

  /** Trains the two-tower through {@link PlainTrainer} directly, recording every epoch. */
  Measured trainRun(String dataYaml, int epochs, boolean validate) {
    return trainRun(dataYaml, epochs, validate, Map.of());
  }

  /** Like {@link #trainRun(String, int, boolean)} with extra {@code trainer:} settings. */
  Measured trainRun(String dataYaml, int epochs, boolean validate, Map<String, String> trainer) {
    ExperimentConfig cfg = config(dataYaml, epochs, validate, trainer);
    Split split = split(dataYaml, cfg);
    Seeds seeds = new Seeds(cfg.seed());
    Components c = components(cfg, seeds);
    EpochRecorder recorder = new EpochRecorder();
    Path dir = tempDir();
    try (NDManager manager = NDManager.newBaseManager()) {
      Params params = initialize(c, split, seeds, manager);
      TrainResult result = new PlainTrainer((PlainTrainerConfig) cfg.trainer(), progress).train(new TrainContext(
          c.model, c.sampler, c.loss, split, validate ? c.evaluators : List.of(), seeds, recorder, dir, false,
          params, manager));
      out.printf(Locale.ROOT, "%s: %d epochs, %,d train rows, %.1f s; examples/s per epoch %s%n",
          split.dataset().name(), result.epochsRun(), split.train().size(), result.stats().getOrDefault("train/seconds",
              Double.NaN), recorder.epochs.entrySet().stream().map(e -> e.getKey() + ":" + String.format(Locale.ROOT,
                  "%.0f", e.getValue().getOrDefault("train/examples-per-second", Double.NaN))).toList());
    } finally {
      deleteQuietly(dir);
    }
    return new Measured(split, recorder.epochs, recorder.rssKb, recorder.cpuSeconds);
  }

  Components components(ExperimentConfig cfg, Seeds seeds) {
    Model model = registry.build(Kind.MODEL, cfg.model(), "$.model", seeds, Model.class);
    Sampler sampler = registry.build(Kind.SAMPLER, cfg.sampler(), "$.sampler", seeds, Sampler.class);
    Loss loss = registry.build(Kind.LOSS, cfg.loss(), "$.loss", seeds, Loss.class);
    List<Evaluator> evaluators = new ArrayList<>();
    for (int i = 0; i < cfg.evaluators().size(); i++) {
      evaluators.add(registry.build(Kind.EVALUATOR, cfg.evaluators().get(i), "$.evaluators[" + i + "]", seeds,
          Evaluator.class));
    }
    return new Components(model, sampler, loss, evaluators);
  }

  static Params initialize(Components c, Split split, Seeds seeds, NDManager manager) {
    Params params = new Params(manager, seeds.stream("init"));
    c.model.initialize(new InitContext(params.scope("model"), split, null));
    if (c.loss instanceof Parameterized p) {
      p.initialize(new InitContext(params.scope("loss"), split, null));
    }
    return params;
  }

  /** Loads and splits the data once per data setting. */
  Split split(String dataYaml, ExperimentConfig cfg) {
    Split cached = splits.get(dataYaml);
    if (cached != null) {
      return cached;
    }
    Seeds seeds = new Seeds(cfg.seed());
    long t0 = System.nanoTime();
    Dataset data = registry.build(Kind.DATA, cfg.data(), "$.data", seeds, DataSource.class).load();
    Protocol protocol = registry.build(Kind.PROTOCOL, cfg.data().protocol(), "$.data.protocol", seeds, Protocol.class);
    Split split = protocol.split(data, seeds);
    out.printf(Locale.ROOT, "loaded %s: %,d queries, %,d items, %,d interactions; train %,d, valid %,d, test %,d"
        + " (%.1f s)%n", data.name(), data.numQueries(), data.numItems(), data.log().size(), split.train().size(),
        split.valid().size(), split.test().size(), seconds(t0));
    splits.put(dataYaml, split);
    return split;
  }

  /**
   * The baseline two-tower experiment on {@code dataYaml}: the model, sampler, loss and trainer
   * settings of {@code examples/quickstart.yaml}, without early stopping.
   */
  ExperimentConfig config(String dataYaml, int epochs, boolean validate) {
    return config(dataYaml, epochs, validate, Map.of());
  }

  /** {@link #config(String, int, boolean)} with extra {@code trainer:} settings (YAML flow values). */
  ExperimentConfig config(String dataYaml, int epochs, boolean validate, Map<String, String> trainer) {
    StringBuilder extra = new StringBuilder();
    trainer.forEach((k, v) -> extra.append(", ").append(k).append(": ").append(v));
    String yaml = """
        name: bench
        seed: 1
        data: %s
        model:
          type: two-tower
          query-tower: {type: mlp, embedding-dim: 32, hidden: [128], output-dim: 64}
          item-tower: {type: mlp, embedding-dim: 32, hidden: [128], output-dim: 64}
          interaction: {type: cosine, temperature: 0.1}
        sampler: {type: in-batch}
        loss: {type: sampled-softmax}
        trainer: {type: plain, epochs: %d, batch-size: 1024, learning-rate: 0.002, patience: 0%s}
        evaluators:
          - {type: topk, ks: [10, 20, 50]}
        tracking: {type: local}
        """.formatted(dataYaml, epochs, extra);
    try {
      JsonNode tree = registry.mapper().readTree(yaml);
      return new ConfigLoader(registry).bind(tree, "towerlab bench (" + (validate ? "with" : "without")
          + " validation)");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the built-in benchmark config does not parse", e);
    }
  }

  /** ML-100K, or its small simulator stand-in under {@code --quick}. */
  String ml100k() {
    return quick ? QUICK_STAND_IN : ML100K;
  }

  String ml100kLabel() {
    return quick ? "simulator stand-in for ML-100K (--quick)" : "ML-100K per-user-ratio (min-rating 3)";
  }

  static String modelSetting() {
    return "two-tower MLP 32/[128]/64, cosine/0.1, in-batch sampled softmax (logQ), batch 1024";
  }

  /** {@code <firstLabel>: N ex/s; epochs 2-E: M ex/s} from the per-epoch metrics. */
  static String throughput(Map<Integer, Map<String, Double>> epochs, String firstLabel) {
    List<Double> rates = new ArrayList<>();
    epochs.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> rates.add(e.getValue().getOrDefault("train/examples-per-second", Double.NaN)));
    if (rates.isEmpty()) {
      return "n/a (no epoch ran)";
    }
    String first = String.format(Locale.ROOT, "%s: %,.0f ex/s", firstLabel, rates.get(0));
    if (rates.size() == 1) {
      return first;
    }
    double sum = 0;
    for (int i = 1; i < rates.size(); i++) {
      sum += rates.get(i);
    }
    String range = rates.size() == 2 ? "epoch 2" : "epochs 2-" + rates.size();
    return first + String.format(Locale.ROOT, "; %s: %,.0f ex/s", range, sum / (rates.size() - 1));
  }

  // ---------------------------------------------------------------- output

  /** Machine facts and the result rows as Markdown. */
  String markdown(String commandLine) {
    StringBuilder b = new StringBuilder();
    b.append("### Machine\n\n| fact | value |\n|---|---|\n");
    machineFacts().forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    b.append("| command | `").append(commandLine).append("` |\n");
    b.append("| date | ").append(LocalDate.now()).append(" |\n");
    b.append("\n### Results").append(quick ? " (--quick: smoke-test sizes, do not publish)" : "")
        .append("\n\n| benchmark | setting | result |\n|---|---|---|\n");
    for (Row r : rows) {
      b.append("| ").append(r.benchmark()).append(" | ").append(r.setting()).append(" | ").append(r.result())
          .append(" |\n");
    }
    return b.toString();
  }

  static Map<String, String> machineFacts() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("CPU", procValue("/proc/cpuinfo", "model name", ':').orElse(System.getProperty("os.arch")));
    f.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    f.put("memory", procValue("/proc/meminfo", "MemTotal", ':').map(Bench::kbToGb).orElse("n/a"));
    f.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    f.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), max heap "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
    Map<String, String> v = Provenance.engineVersions();
    f.put("DJL / engine", "DJL " + v.getOrDefault("djl", "n/a") + ", " + v.getOrDefault("engine", "n/a") + " "
        + v.getOrDefault("engineVersion", "") + " (threads: "
        + System.getProperty("ai.djl.pytorch.num_threads", "default") + ", interop threads: "
        + System.getProperty("ai.djl.pytorch.num_interop_threads", "default") + ")");
    return f;
  }

  /** The resident set size of this process in kB ({@code VmRSS}), or -1 where /proc is missing. */
  static long residentKb() {
    return procValue("/proc/self/status", "VmRSS", ':').map(s -> Long.parseLong(s.replaceAll("[^0-9]", "")))
        .orElse(-1L);
  }

  private static java.util.Optional<String> procValue(String file, String key, char sep) {
    Path p = Path.of(file);
    try {
      if (Files.isReadable(p)) {
        for (String line : Files.readAllLines(p)) {
          if (line.startsWith(key) && line.indexOf(sep) > 0) {
            return java.util.Optional.of(line.substring(line.indexOf(sep) + 1).strip());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return java.util.Optional.empty();
  }

  private static String kbToGb(String kb) {
    return String.format(Locale.ROOT, "%.1f GB", Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String fmt(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("towerlab-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for the benchmark's checkpoints", e);
    }
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temp dir left behind is harmless
    }
  }

  /** The numbers of {@link ScoringBench}'s output lines. */
  record ScoringNumbers(Double matmulGflops, Double scoringGflops, Double endToEndSeconds,
      Double endToEndQueriesPerSecond) {
    private static final Pattern MATMUL = Pattern.compile("^matmul .*?([0-9.]+) GFLOP/s", Pattern.MULTILINE);
    private static final Pattern SCORING = Pattern.compile("^scoring \\(matmul[^:]*: .*?([0-9.]+) GFLOP/s", Pattern.MULTILINE);
    private static final Pattern END = Pattern.compile(
        "^end to end .*?: ([0-9.]+) s, [0-9.]+ GFLOP/s, ([0-9.]+) queries/s", Pattern.MULTILINE);

    static ScoringNumbers parse(String output) {
      Matcher e = END.matcher(output);
      boolean end = e.find();
      return new ScoringNumbers(first(MATMUL, output), first(SCORING, output), end ? Double.valueOf(e.group(1)) : null,
          end ? Double.valueOf(e.group(2)) : null);
    }

    /** Scoring throughput as a fraction of the matmul peak, or null. */
    Double fractionOfPeak() {
      return matmulGflops == null || scoringGflops == null || matmulGflops == 0 ? null : scoringGflops / matmulGflops;
    }

    private static Double first(Pattern p, String s) {
      Matcher m = p.matcher(s);
      return m.find() ? Double.valueOf(m.group(1)) : null;
    }
  }

  /** Records each epoch's metrics (the trainer logs them with step = epoch) and the RSS at that moment. */
  static final class EpochRecorder implements Tracker {
    final Map<Integer, Map<String, Double>> epochs = new TreeMap<>();
    final Map<Integer, Long> rssKb = new TreeMap<>();
    final Map<Integer, Double> cpuSeconds = new TreeMap<>();
    private long lastCpu = processCpuNanos();

    @Override
    public void start(RunSpec spec) {}

    @Override
    public String runId() {
      return "bench";
    }

    @Override
    public void logParams(Map<String, String> params) {}

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
      epochs.put((int) step, Map.copyOf(metrics));
      rssKb.put((int) step, residentKb());
      long now = processCpuNanos();
      cpuSeconds.put((int) step, (now - lastCpu) / 1e9);
      lastCpu = now;
    }

    /** CPU time of every thread of this process (Java and native), or 0 where unavailable. */
    static long processCpuNanos() {
      if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        return os.getProcessCpuTime();
      }
      return 0;
    }

    @Override
    public void setTags(Map<String, String> tags) {}

    @Override
    public void logArtifact(Path file, String artifactDir) {}

    @Override
    public void finish(String status) {}
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
