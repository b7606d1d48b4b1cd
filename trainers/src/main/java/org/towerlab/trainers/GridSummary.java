package org.towerlab.trainers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.evaluators.stats.MeanInterval;
import org.towerlab.evaluators.stats.PairedSample;
import org.towerlab.evaluators.stats.Significance;
import org.towerlab.evaluators.stats.TestResult;

/**
 * Summarizes a grid over seeds: runs whose names differ only in {@code seed=N} form one method.
 * Per method and test metric: mean, sample standard deviation and a 95% Student-t confidence
 * interval over seeds. Against the first method (the baseline), a paired test per metric on
 * per-query values pooled over seeds (query q under seed s in the method is paired with query q
 * under seed s in the baseline: the same seed gives the same split): paired t-test and Wilcoxon
 * signed-rank, each Holm-corrected across the compared methods. A cell is marked {@code *} when
 * both corrected p-values are below 0.05.
 */
public final class GridSummary {
  private static final Pattern SEED = Pattern.compile("(^|,|\\[)seed=(\\d+)(?=,|\\])");
  static final List<String> PREFERRED = List.of("recall@10", "recall@20", "recall@50", "ndcg@10", "ndcg@20",
      "hit@50", "hit@100", "mrr@10", "auc", "gauc", "logloss");

  record Method(String name, List<ExperimentRunner.RunOutcome> runs, List<Integer> seeds) {}

  record Test(double tP, double wP, double meanDiff, int n) {}

  private final List<Method> methods;
  private final List<String> metrics;
  private final Map<String, Map<String, Test>> tests = new LinkedHashMap<>(); // method -> metric -> test

  private GridSummary(List<Method> methods, List<String> metrics) {
    this.methods = methods;
    this.metrics = metrics;
  }

  /**
   * Recomputes the summary of a finished grid from its parent run directory: the children are the
   * run directories beside it whose {@code run.json} names it as parent. Writes {@code summary.md}
   * and {@code summary.csv} into the parent directory and returns the Markdown.
   */
  public static String rebuild(Path parentDir) {
    org.towerlab.tracking.local.LocalRun parent = org.towerlab.tracking.local.LocalRun.read(parentDir);
    List<ExperimentRunner.RunOutcome> outcomes = new ArrayList<>();
    for (Path dir : org.towerlab.tracking.local.LocalRun.find(parentDir.getParent())) {
      org.towerlab.tracking.local.LocalRun run = org.towerlab.tracking.local.LocalRun.read(dir);
      if (isChild(parentDir, parent, run) && Files.exists(dir.resolve("metrics.json"))) {
        try {
          Map<String, Double> metrics = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
              dir.resolve("metrics.json").toFile(), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {});
          outcomes.add(new ExperimentRunner.RunOutcome(run.runName(), run.runId(), dir, metrics, null));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    if (outcomes.isEmpty()) {
      throw new org.towerlab.api.UserException("No finished child runs of " + parentDir + " were found beside it."
          + " Pass the grid's parent run directory (runs/<experiment>/<experiment>-grid-<hash>).");
    }
    // the grid's own order (the first method is the baseline): the leaderboard lists run ids in it
    List<String> order = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(parentDir.resolve("leaderboard.csv"))) {
        String[] f = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
        if (f.length > 1) {
          order.add(f[1]);
        }
      }
    } catch (IOException e) {
      // no leaderboard: keep directory order
    }
    outcomes.sort(java.util.Comparator.comparingInt((ExperimentRunner.RunOutcome o) -> {
      int i = order.indexOf(o.dir().getFileName().toString());
      return i < 0 ? Integer.MAX_VALUE : i;
    }).thenComparing(o -> o.dir().toString()));
    GridSummary summary = of(outcomes);
    ExperimentRunner.writeText(parentDir.resolve("summary.md"), summary.markdown());
    ExperimentRunner.writeText(parentDir.resolve("summary.csv"), summary.csv());
    return summary.markdown();
  }

  /** A child names the parent by its local run id, or by its MLflow run id (kept in mlflow.json). */
  private static boolean isChild(Path parentDir, org.towerlab.tracking.local.LocalRun parent,
      org.towerlab.tracking.local.LocalRun run) {
    String p = run.parentRunId();
    if (p == null || p.isBlank()) {
      return false;
    }
    if (p.equals(parent.runId()) || p.equals(parentDir.getFileName().toString())) {
      return true;
    }
    try {
      Path mlflow = parentDir.resolve("mlflow.json");
      return Files.exists(mlflow) && Files.readString(mlflow).contains("\"" + p + "\"");
    } catch (IOException e) {
      return false;
    }
  }

  /** True when some method has more than one seed: a summary is worth writing. */
  static boolean applies(List<ExperimentRunner.RunOutcome> outcomes) {
    return group(outcomes).stream().anyMatch(m -> m.runs().size() > 1);
  }

  static GridSummary of(List<ExperimentRunner.RunOutcome> outcomes) {
    List<Method> methods = group(outcomes);
    List<String> metrics = new ArrayList<>();
    for (String m : PREFERRED) {
      if (outcomes.stream().allMatch(o -> o.metrics().containsKey("test/" + m))) {
        metrics.add(m);
      }
    }
    GridSummary s = new GridSummary(methods, metrics);
    s.test();
    return s;
  }

  private static List<Method> group(List<ExperimentRunner.RunOutcome> outcomes) {
    Map<String, List<ExperimentRunner.RunOutcome>> byName = new LinkedHashMap<>();
    Map<String, List<Integer>> seeds = new LinkedHashMap<>();
    for (ExperimentRunner.RunOutcome o : outcomes) {
      Matcher m = SEED.matcher(o.name());
      int seed = 0;
      String name = o.name();
      if (m.find()) {
        seed = Integer.parseInt(m.group(2));
        name = (o.name().substring(0, m.start()) + m.group(1) + o.name().substring(m.end()))
            .replace("[,", "[").replace(",,", ",").replace(",]", "]").replace("[]", "");
      }
      byName.computeIfAbsent(name, k -> new ArrayList<>()).add(o);
      seeds.computeIfAbsent(name, k -> new ArrayList<>()).add(seed);
    }
    List<Method> out = new ArrayList<>();
    byName.forEach((k, v) -> out.add(new Method(k, v, seeds.get(k))));
    return out;
  }

  private void test() {
    if (methods.size() < 2) {
      return;
    }
    Method base = methods.get(0);
    for (String metric : metrics) {
      double[] tP = new double[methods.size() - 1];
      double[] wP = new double[methods.size() - 1];
      Test[] raw = new Test[methods.size() - 1];
      for (int i = 1; i < methods.size(); i++) {
        PairedSample s;
        try {
          s = pooled(base, methods.get(i), metric);
        } catch (IllegalArgumentException e) { // the same (seed, query) twice: not a seed grid
          s = new PairedSample(new long[0], new double[0], new double[0], 0);
        }
        if (s.size() < 2) {
          tP[i - 1] = Double.NaN;
          wP[i - 1] = Double.NaN;
          continue;
        }
        TestResult t = Significance.pairedT(s);
        TestResult w = Significance.wilcoxon(s);
        tP[i - 1] = t.pValue();
        wP[i - 1] = w.pValue();
        // align(base, method) gives base - method; report method - baseline
        raw[i - 1] = new Test(0, 0, -t.meanDifference(), s.size());
      }
      double[] tAdj = holmOrNaN(tP);
      double[] wAdj = holmOrNaN(wP);
      for (int i = 1; i < methods.size(); i++) {
        Test r = raw[i - 1];
        tests.computeIfAbsent(methods.get(i).name(), k -> new LinkedHashMap<>()).put(metric,
            new Test(tAdj[i - 1], wAdj[i - 1], r == null ? Double.NaN : r.meanDiff(), r == null ? 0 : r.n()));
      }
    }
  }

  private static double[] holmOrNaN(double[] p) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      if (!Double.isNaN(p[i])) {
        idx.add(i);
      }
    }
    double[] out = new double[p.length];
    java.util.Arrays.fill(out, Double.NaN);
    if (idx.isEmpty()) {
      return out;
    }
    double[] sub = new double[idx.size()];
    for (int i = 0; i < sub.length; i++) {
      sub[i] = p[idx.get(i)];
    }
    double[] adj = Significance.holm(sub);
    for (int i = 0; i < sub.length; i++) {
      out[idx.get(i)] = adj[i];
    }
    return out;
  }

  /** Per-query values of {@code metric}, method vs baseline, paired by (seed, query), pooled over seeds. */
  private static PairedSample pooled(Method base, Method other, String metric) {
    List<Long> keysA = new ArrayList<>();
    List<Double> valsA = new ArrayList<>();
    List<Long> keysB = new ArrayList<>();
    List<Double> valsB = new ArrayList<>();
    for (int i = 0; i < base.runs().size(); i++) {
      read(base.runs().get(i).dir(), metric, base.seeds().get(i), keysA, valsA);
    }
    for (int i = 0; i < other.runs().size(); i++) {
      read(other.runs().get(i).dir(), metric, other.seeds().get(i), keysB, valsB);
    }
    return Significance.align(keysA.stream().mapToLong(Long::longValue).toArray(),
        valsA.stream().mapToDouble(Double::doubleValue).toArray(),
        keysB.stream().mapToLong(Long::longValue).toArray(),
        valsB.stream().mapToDouble(Double::doubleValue).toArray()) ;
  }

  private static void read(Path runDir, String metric, int seed, List<Long> keys, List<Double> values) {
    Path csv = runDir.resolve("per-query-test.csv");
    if (!Files.exists(csv)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(csv);
      if (lines.isEmpty()) {
        return;
      }
      List<String> header = List.of(lines.get(0).split(","));
      int col = header.indexOf(metric);
      if (col < 0) {
        return;
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",");
        keys.add(seed * 1_000_000_000L + Long.parseLong(f[0]));
        values.add(Double.parseDouble(f[col]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private double[] values(Method m, String metric) {
    return m.runs().stream().mapToDouble(o -> o.metrics().getOrDefault("test/" + metric, Double.NaN)).toArray();
  }

  private static double std(double[] x) {
    if (x.length < 2) {
      return 0;
    }
    double mean = java.util.Arrays.stream(x).average().orElse(0);
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return Math.sqrt(ss / (x.length - 1));
  }

  private String cell(Method m, String metric) {
    double[] v = values(m, metric);
    StringBuilder sb = new StringBuilder();
    if (v.length > 1) {
      MeanInterval ci = Significance.meanInterval(v);
      sb.append(String.format(Locale.ROOT, "%.4f ± %.4f", ci.mean(), ci.halfWidth()));
    } else {
      sb.append(String.format(Locale.ROOT, "%.4f", v[0]));
    }
    Test t = tests.getOrDefault(m.name(), Map.of()).get(metric);
    if (t != null && t.tP() < 0.05 && t.wP() < 0.05) {
      sb.append(" *");
    }
    return sb.toString();
  }

  String markdown() {
    StringBuilder sb = new StringBuilder("| method | seeds |");
    for (String m : metrics) {
      sb.append(' ').append(m).append(" |");
    }
    sb.append("\n|---|---:|").append("---:|".repeat(metrics.size())).append('\n');
    for (Method m : methods) {
      sb.append("| ").append(m.name().replace("|", "/")).append(" | ").append(m.runs().size()).append(" |");
      for (String metric : metrics) {
        sb.append(' ').append(cell(m, metric)).append(" |");
      }
      sb.append('\n');
    }
    sb.append("\nMean ± half-width of the 95% Student-t interval over seeds (std in summary.csv). ");
    if (methods.size() > 1) {
      sb.append("`*`: different from **").append(methods.get(0).name()).append("** by both a paired t-test and a ")
          .append("Wilcoxon signed-rank test on per-query values pooled over seeds, Holm-corrected across methods, p < 0.05.\n\n");
      sb.append("| method vs ").append(methods.get(0).name().replace("|", "/")).append(" | metric | mean diff | pairs | p (t, Holm) | p (Wilcoxon, Holm) |\n");
      sb.append("|---|---|---:|---:|---:|---:|\n");
      // metrics without per-query values (coverage, gauc) have no paired test
      tests.forEach((method, byMetric) -> byMetric.forEach((metric, t) -> {
        if (t.n() > 1) {
          sb.append(String.format(Locale.ROOT, "| %s | %s | %+.4f | %d | %.3g | %.3g |%n", method.replace("|", "/"),
              metric, t.meanDiff(), t.n(), t.tP(), t.wP()));
        }
      }));
    } else {
      sb.append('\n');
    }
    return sb.toString();
  }

  String csv() {
    StringBuilder sb = new StringBuilder("method,metric,seeds,mean,std,ci95_low,ci95_high,mean_diff_vs_baseline,p_t_holm,p_wilcoxon_holm\n");
    for (Method m : methods) {
      for (String metric : metrics) {
        double[] v = values(m, metric);
        MeanInterval ci = v.length > 1 ? Significance.meanInterval(v) : new MeanInterval(1, v[0], v[0], v[0], 0.95);
        Test t = tests.getOrDefault(m.name(), Map.of()).get(metric);
        sb.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%.6f,%.6f,%.6f,%.6f,%s,%s,%s%n", m.name().replace("\"", "\"\""), metric,
            v.length, ci.mean(), std(v), ci.lower(), ci.upper(),
            t == null ? "" : String.format(Locale.ROOT, "%.6f", t.meanDiff()),
            t == null ? "" : String.format(Locale.ROOT, "%.4g", t.tP()),
            t == null ? "" : String.format(Locale.ROOT, "%.4g", t.wP())));
      }
    }
    return sb.toString();
  }
}
