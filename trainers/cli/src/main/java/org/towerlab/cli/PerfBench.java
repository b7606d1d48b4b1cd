package org.towerlab.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.Split;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.cli.Bench.Components;
import org.towerlab.cli.Bench.Measured;
import org.towerlab.cli.Bench.Row;
import org.towerlab.trainers.EngineRuntime;
import org.towerlab.trainers.Evaluations;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.PlainTrainerConfig;
import org.towerlab.trainers.TowerScorer;

/**
 * The performance parts of {@code towerlab bench} (docs/performance.md):
 *
 * <ul>
 *   <li>{@code pytorch} ({@code --compare-pytorch}): the quick-start model in TowerLab and in PyTorch
 *       eager ({@code benchmarks/reference/two_tower.py}) on the same exported rows, weights and
 *       batches, interleaved A, B, A, B in one sitting; epoch 1 of the first round (warm-up) apart
 *       from the later epochs (steady state); the ratio of examples per second and of CPU seconds;
 *   <li>{@code vocab}: one epoch on a 5,000-item and on a 100,000-item simulator with the same users
 *       and interactions, with dense and with row-sparse embedding updates;
 *   <li>{@code two-jobs}: the quick start alone, then two copies at once (child processes), per
 *       OpenMP wait policy: each copy's share of the solo throughput (the bar is 40%);
 *   <li>{@code scale}: one child per corpus size (10^3 .. 10^6 items on the simulator): training
 *       throughput, peak RSS ({@code VmHWM}) and the full-corpus evaluation time of the test part
 *       (queries x items); log-log PNG plots.
 * </ul>
 */
final class PerfBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String WORKER_PREFIX = "WORKER ";

  private final Bench bench;
  private final PrintStream out;
  private final boolean quick;
  private final Options options;

  /** Settings of the performance parts from the command line. */
  record Options(int rounds, int epochs, List<String> waitPolicies, Path plots) {
    Options {
      rounds = Math.max(1, rounds);
      epochs = Math.max(2, epochs);
      waitPolicies = waitPolicies == null || waitPolicies.isEmpty() ? List.of("auto") : List.copyOf(waitPolicies);
      // the checkout's docs/figures (the launcher sets towerlab.repo.root), not the caller's directory
      plots = plots == null ? Path.of(System.getProperty("towerlab.repo.root", "."), "docs", "figures") : plots;
    }

    static Options defaults() {
      return new Options(3, 3, List.of("auto"), null);
    }
  }

  PerfBench(Bench bench, PrintStream out, boolean quick, Options options) {
    this.bench = bench;
    this.out = out;
    this.quick = quick;
    this.options = options;
  }

  // ---------------------------------------------------------------- pytorch

  void pytorch(List<Row> rows) {
    int epochs = options.epochs();
    int rounds = quick ? 1 : options.rounds();
    String data = bench.ml100k();
    ExperimentConfig cfg = bench.config(data, epochs, false);
    Split split = bench.split(data, cfg);
    Seeds seeds = new Seeds(cfg.seed());
    Path dir = Bench.tempDir();
    int threads = EngineRuntime.threads();
    try {
      try (NDManager m = NDManager.newBaseManager()) {
        Components c = bench.components(cfg, seeds);
        Params params = Bench.initialize(c, split, seeds, m);
        PlainTrainerConfig tc = (PlainTrainerConfig) cfg.trainer();
        PytorchCompare.export(dir, split, params.trainable(), seeds, epochs, tc.batchSize(), tc.learningRate(), 0.1,
            List.of(128));
      }
      Path root = Path.of(System.getProperty("towerlab.repo.root", "."));
      try (PytorchCompare ref = PytorchCompare.start(root, dir, threads, out)) {
        JsonNode ready = ref.ready();
        out.printf(Locale.ROOT, "PyTorch %s ready: %d threads, import %.2f s, data %.2f s, OMP_WAIT_POLICY %s%n",
            ready.path("torch").asText(), ready.path("threads").asInt(), ready.path("import_seconds").asDouble(),
            ready.path("load_seconds").asDouble(), ready.path("wait_policy").asText("unset"));
        List<double[]> djl = new ArrayList<>(); // per epoch: round, epoch, ex/s, cpu s, loss
        List<double[]> torch = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
          Measured a = bench.trainRun(data, epochs, false);
          for (Map.Entry<Integer, Map<String, Double>> e : a.epochMetrics().entrySet()) {
            djl.add(new double[] {r, e.getKey(), e.getValue().get("train/examples-per-second"),
                a.cpuSeconds().getOrDefault(e.getKey(), Double.NaN), e.getValue().get("train/loss")});
          }
          for (PytorchCompare.Epoch e : ref.run(epochs)) {
            torch.add(new double[] {r, e.epoch(), e.examplesPerSecond(), e.cpuSeconds(), e.loss()});
          }
          for (int e = 1; e <= epochs; e++) {
            double[] x = find(djl, r, e);
            double[] y = find(torch, r, e);
            out.printf(Locale.ROOT, "round %d epoch %d: TowerLab %,.0f ex/s (cpu %.2f s, loss %.4f) | PyTorch %,.0f"
                + " ex/s (cpu %.2f s, loss %.4f) | ratio %.2f%n", r, e, x[2], x[3], x[4], y[2], y[3], y[4], x[2] / y[2]);
          }
        }
        double warmDjl = find(djl, 1, 1)[2];
        double warmTorch = find(torch, 1, 1)[2];
        double steadyDjl = median(djl, 2, 2);
        double steadyTorch = median(torch, 2, 2);
        double cpuDjl = median(djl, 2, 3);
        double cpuTorch = median(torch, 2, 3);
        double lossGap = 0;
        for (double[] x : djl) {
          lossGap = Math.max(lossGap, Math.abs(x[4] - find(torch, (int) x[0], (int) x[1])[4]));
        }
        String summary = String.format(Locale.ROOT, "warm-up (epoch 1 of round 1): TowerLab %,.0f vs PyTorch %,.0f"
            + " ex/s = %.2fx; steady state (median of epochs 2-%d over %d rounds): %,.0f vs %,.0f ex/s = %.2fx;"
            + " CPU s per epoch %.2f vs %.2f = %.2fx the CPU; largest per-epoch loss gap %.4f", warmDjl, warmTorch,
            warmDjl / warmTorch, epochs, rounds, steadyDjl, steadyTorch, steadyDjl / steadyTorch, cpuDjl, cpuTorch,
            cpuDjl / cpuTorch, lossGap);
        out.println(summary);
        String torchWait = ready.path("wait_policy").isTextual() ? ready.path("wait_policy").asText()
            : "libgomp default (spin)";
        rows.add(new Row("TowerLab vs PyTorch eager", bench.ml100kLabel() + "; " + Bench.modelSetting() + "; "
            + threads + " threads; idle engine threads: TowerLab " + EngineRuntime.waitDescription() + ", PyTorch "
            + torchWait + "; A,B interleaved, " + rounds
            + " rounds x " + epochs + " epochs; load average " + loadAverage(), summary));
      }
    } finally {
      Bench.deleteQuietly(dir);
    }
  }

  private static double[] find(List<double[]> list, int round, int epoch) {
    for (double[] x : list) {
      if ((int) x[0] == round && (int) x[1] == epoch) {
        return x;
      }
    }
    return new double[] {round, epoch, Double.NaN, Double.NaN, Double.NaN};
  }

  /** Median of column {@code col} over the epochs {@code >= fromEpoch} of every round. */
  private static double median(List<double[]> list, int fromEpoch, int col) {
    double[] v = list.stream().filter(x -> x[1] >= fromEpoch).mapToDouble(x -> x[col]).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // ---------------------------------------------------------------- vocabulary

  /** The simulator with {@code items} items and the vocabulary benchmark's users and interactions. */
  String simulator(int items) {
    return quick ? "{type: simulator, n-users: 300, n-items: " + items + ", interactions-per-user: 20}"
        : "{type: simulator, n-users: 20000, n-items: " + items + ", interactions-per-user: 20}";
  }

  /**
   * The dense-vs-sparse crossover behind {@code embedding-updates: auto}: process CPU milliseconds
   * per step (lookup of 1,024 + 2,048 random ids, backward, optimizer) for one table of {@code R}
   * rows x 32, dense AdamW vs lazy Adam. CPU time, not wall time, so that the load hardly matters.
   */
  void crossover(List<Row> rows) {
    int[] sizes = quick ? new int[] {1_000, 10_000} : new int[] {1_000, 3_000, 10_000, 20_000, 50_000, 200_000};
    int steps = quick ? 5 : 40;
    StringBuilder result = new StringBuilder();
    for (int r : sizes) {
      double dense = optimizerStep(r, "dense", steps);
      double lazy = optimizerStep(r, "lazy-adam", steps);
      out.printf(Locale.ROOT, "table %,d x 32: dense %.2f ms, lazy %.2f ms CPU per step%n", r, dense, lazy);
      result.append(String.format(Locale.ROOT, "%s%,d rows: dense %.2f / lazy %.2f ms", result.length() == 0 ? ""
          : "; ", r, dense, lazy));
    }
    rows.add(new Row("embedding update crossover", "one table R x 32, lookups of 1,024 + 2,048 random ids per step,"
        + " backward + optimizer; process CPU ms per step (" + steps + " steps); load average " + loadAverage(),
        result.toString()));
  }

  private static double optimizerStep(int rowsCount, String mode, int steps) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(rowsCount);
    try (NDManager m = NDManager.newBaseManager()) {
      org.towerlab.api.nn.Params params = new org.towerlab.api.nn.Params(m, new java.util.SplittableRandom(1));
      org.towerlab.api.nn.EmbeddingTable table = new org.towerlab.api.nn.EmbeddingTable(params, "emb", rowsCount, 32,
          0.1);
      try (org.towerlab.trainers.AdamW adam = new org.towerlab.trainers.AdamW(params.trainable(), m.newSubManager(),
          0.001, 0, 0, org.towerlab.trainers.EmbeddingUpdates.parse(mode))) {
        long cpu = 0;
        for (int s = 0; s < steps + 3; s++) {
          long[] a = rng.longs(1024, 0, rowsCount).toArray();
          long[] b = rng.longs(2048, 0, rowsCount).toArray();
          long t0 = Bench.EpochRecorder.processCpuNanos();
          try (NDManager bm = m.newSubManager();
              ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            ai.djl.ndarray.NDArray x = table.lookup(org.towerlab.api.nn.Tensors.create(bm, a)); // [1024, 32]
            ai.djl.ndarray.NDArray y = table.lookup(org.towerlab.api.nn.Tensors.create(bm, b)); // [2048, 32]
            gc.backward(x.square().sum().add(y.sum()));
          }
          adam.step();
          if (s >= 3) {
            cpu += Bench.EpochRecorder.processCpuNanos() - t0;
          }
        }
        return cpu / 1e6 / steps;
      }
    }
  }

  void vocab(List<Row> rows) {
    int small = quick ? 500 : 5_000;
    int large = quick ? 10_000 : 100_000;
    Map<String, Double> rate = new LinkedHashMap<>();
    for (String mode : List.of("dense", "lazy-adam")) {
      for (int items : new int[] {small, large}) {
        Measured m = bench.trainRun(simulator(items), 1, false, Map.of("embedding-updates", mode));
        double r = m.epochMetrics().values().iterator().next().get("train/examples-per-second");
        rate.put(mode + "/" + items, r);
        out.printf(Locale.ROOT, "%s, %,d items: %,.0f ex/s (%,d train rows)%n", mode, items, r,
            m.split().train().size());
      }
    }
    for (String mode : List.of("dense", "lazy-adam")) {
      double a = rate.get(mode + "/" + small);
      double b = rate.get(mode + "/" + large);
      rows.add(new Row("vocabulary (embedding-updates " + mode + ")", simulator(large).replace(String.valueOf(large),
          "N") + ", N = " + small + " vs " + large + "; " + Bench.modelSetting() + "; 1 epoch; load average "
          + loadAverage(), String.format(Locale.ROOT, "%,.0f vs %,.0f ex/s: the large vocabulary keeps %.0f%%"
          + " (goal >= 80%%)", a, b, 100 * b / a)));
    }
  }

  // ---------------------------------------------------------------- two jobs

  void twoJobs(List<Row> rows) {
    int epochs = quick ? 2 : options.epochs();
    for (String policy : options.waitPolicies()) {
      List<JsonNode> solo = workers(1, "quickstart", epochs, policy);
      List<JsonNode> pair = workers(2, "quickstart", epochs, policy);
      double s = solo.get(0).path("steady").asDouble();
      double p1 = pair.get(0).path("steady").asDouble();
      double p2 = pair.get(1).path("steady").asDouble();
      String result = String.format(Locale.ROOT, "solo %,.0f ex/s; together %,.0f and %,.0f ex/s = %.0f%% and %.0f%%"
          + " of solo (bar >= 40%%)", s, p1, p2, 100 * p1 / s, 100 * p2 / s);
      out.println(policyLabel(policy) + ": " + result);
      rows.add(new Row("two jobs at once", bench.ml100kLabel() + "; " + Bench.modelSetting() + "; " + epochs
          + " epochs each, steady state = epochs 2+; " + policyLabel(policy) + ", " + EngineRuntime.threads()
          + " threads each; load average before " + loadAverage(), result));
    }
  }

  // ---------------------------------------------------------------- scale

  void scale(List<Row> rows) {
    int[] sizes = quick ? new int[] {1_000, 10_000} : new int[] {1_000, 10_000, 100_000, 1_000_000};
    Map<Integer, JsonNode> res = new LinkedHashMap<>();
    for (int items : sizes) {
      JsonNode r = workers(1, "scale:" + items, 1, currentPolicy()).get(0);
      res.put(items, r);
      out.printf(Locale.ROOT, "%,d items: %,.0f ex/s, peak RSS %,d MB, evaluation %.2f s for %,d queries x %,d items%n",
          items, r.path("rate").asDouble(), r.path("peakRssKb").asLong() / 1024, r.path("evalSeconds").asDouble(),
          r.path("queries").asLong(), items);
      rows.add(new Row("scale", simulator(items) + "; " + Bench.modelSetting() + " (embedding-updates auto); 1 epoch;"
          + " load average " + loadAverage(), String.format(Locale.ROOT, "%,.0f ex/s (%,d train rows); peak RSS %,d"
          + " MB; full-corpus evaluation %.2f s (%,d queries x %,d items)", r.path("rate").asDouble(),
          r.path("trainRows").asLong(), r.path("peakRssKb").asLong() / 1024, r.path("evalSeconds").asDouble(),
          r.path("queries").asLong(), items)));
    }
    Path dir = options.plots();
    Map<String, Map<Double, Double>> thr = new LinkedHashMap<>();
    Map<String, Map<Double, Double>> rss = new LinkedHashMap<>();
    Map<String, Map<Double, Double>> ev = new LinkedHashMap<>();
    res.forEach((items, r) -> {
      thr.computeIfAbsent("training examples/s", k -> new java.util.TreeMap<>()).put(items.doubleValue(),
          r.path("rate").asDouble());
      rss.computeIfAbsent("peak RSS (MB)", k -> new java.util.TreeMap<>()).put(items.doubleValue(),
          r.path("peakRssKb").asDouble() / 1024);
      ev.computeIfAbsent("evaluation seconds", k -> new java.util.TreeMap<>()).put(
          r.path("queries").asDouble() * items, r.path("evalSeconds").asDouble());
    });
    List<Path> files = List.of(
        BenchPlots.logLog("Training throughput vs corpus size", "items", "examples / s", thr,
            dir.resolve("scale-throughput.png")),
        BenchPlots.logLog("Peak RSS vs corpus size", "items", "MB", rss, dir.resolve("scale-rss.png")),
        BenchPlots.logLog("Full-corpus evaluation time", "queries x items", "seconds", ev,
            dir.resolve("scale-eval.png")));
    out.println("plots: " + files);
  }

  /**
   * The {@code --wait-policies} token that reproduces this process's setting in a child: {@code auto}
   * (TowerLab's default: spinning, team sized to the free cores), {@code unset} (libgomp's default,
   * no adapting) or the {@code OMP_WAIT_POLICY} value.
   */
  private static String currentPolicy() {
    if (EngineRuntime.adaptive()) {
      return "auto";
    }
    String p = EngineRuntime.waitPolicy();
    return p == null ? "unset" : p;
  }

  private static String policyLabel(String policy) {
    if ("auto".equalsIgnoreCase(policy)) {
      return "default (libgomp spins, team sized to the free cores)";
    }
    if ("unset".equalsIgnoreCase(policy)) {
      return "libgomp default (spin, fixed team)";
    }
    return "OMP_WAIT_POLICY " + policy;
  }

  // ---------------------------------------------------------------- child processes

  /** Starts {@code n} copies of a worker at once and returns each one's result line. */
  private List<JsonNode> workers(int n, String what, int epochs, String policy) {
    List<Process> procs = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-D") || a.startsWith("-Xmx") || a.startsWith("-XX:")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Towerlab.class.getName(), "bench",
            "--worker", what + "@" + epochs + (quick ? "@quick" : "")));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.remove(EngineRuntime.WAIT_POLICY);
        env.remove(EngineRuntime.SPIN_COUNT);
        env.remove(EngineRuntime.KEEP_DEFAULT);
        if ("unset".equalsIgnoreCase(policy)) {
          env.put(EngineRuntime.KEEP_DEFAULT, "1");
        } else if (!"auto".equalsIgnoreCase(policy)) {
          env.put(EngineRuntime.WAIT_POLICY, policy);
        }
        procs.add(pb.start());
      }
      List<JsonNode> results = new ArrayList<>();
      for (Process p : procs) {
        JsonNode result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith(WORKER_PREFIX)) {
              result = JSON.readTree(line.substring(WORKER_PREFIX.length()));
            }
          }
        }
        if (p.waitFor() != 0 || result == null) {
          throw new IllegalStateException("benchmark worker '" + what + "' failed (exit " + p.exitValue() + ")");
        }
        results.add(result);
      }
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a benchmark worker", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      procs.forEach(Process::destroy);
    }
  }

  /** The child's side: {@code quickstart@EPOCHS[@quick]} or {@code scale:ITEMS@EPOCHS[@quick]}. */
  static void worker(Bench bench, String spec, PrintStream out) {
    String[] parts = spec.split("@");
    int epochs = Integer.parseInt(parts[1]);
    ObjectNode result = JSON.createObjectNode();
    if (parts[0].equals("quickstart")) {
      Measured m = bench.trainRun(bench.ml100k(), epochs, false);
      double sum = 0;
      int count = 0;
      for (Map.Entry<Integer, Map<String, Double>> e : m.epochMetrics().entrySet()) {
        if (e.getKey() >= 2) {
          sum += e.getValue().get("train/examples-per-second");
          count++;
        }
      }
      result.put("steady", sum / Math.max(1, count));
      result.put("first", m.epochMetrics().get(1).get("train/examples-per-second"));
    } else if (parts[0].startsWith("scale:")) {
      int items = Integer.parseInt(parts[0].substring("scale:".length()));
      PerfBench pb = new PerfBench(bench, out, parts.length > 2, Options.defaults());
      String data = pb.simulator(items);
      Measured m = bench.trainRun(data, epochs, false);
      result.put("rate", m.epochMetrics().get(1).get("train/examples-per-second"));
      result.put("trainRows", m.split().train().size());
      // full-corpus evaluation of the test part with an initialized model (the time does not depend on training)
      ExperimentConfig cfg = bench.config(data, 1, true);
      Split split = bench.split(data, cfg);
      Seeds seeds = new Seeds(cfg.seed());
      Components c = bench.components(cfg, seeds);
      try (NDManager manager = NDManager.newBaseManager()) {
        Bench.initialize(c, split, seeds, manager);
        try (TowerScorer scorer = new TowerScorer(c.model(), new FeatureBatches(split), split.dataset().numItems(),
            manager)) {
          long t0 = System.nanoTime();
          scorer.refresh();
          Evaluations.evaluate(c.evaluators(), split, "test", scorer, manager);
          result.put("evalSeconds", (System.nanoTime() - t0) / 1e9);
        }
      }
      result.put("queries", Arrays.stream(split.test().queries()).distinct().count());
      result.put("peakRssKb", peakRssKb());
    } else {
      throw new IllegalArgumentException("unknown worker " + spec);
    }
    out.println(WORKER_PREFIX + result);
  }

  /** Peak resident set size of this process ({@code VmHWM}), kB; -1 without /proc. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** The 1-minute load average, or "n/a". */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
