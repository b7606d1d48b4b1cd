package org.towerlab.trainers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.api.UserException;
import org.towerlab.registry.io.Mappers;
import org.towerlab.api.config.SummaryConfig;
import org.towerlab.api.random.Seeds;
import org.towerlab.evaluators.stats.CrossedComparison;
import org.towerlab.evaluators.stats.MeanInterval;
import org.towerlab.evaluators.stats.SeedUserSample;
import org.towerlab.evaluators.stats.Significance;

/**
 * Summarizes a grid over seeds: runs whose names differ only in {@code seed=N} form one method.
 * Per method and test metric: mean, sample standard deviation and a 95% Student-t interval over
 * seeds. Each other method is compared with the first one (the baseline) on every metric with
 * per-query values, on the design the grid has: seed s of both methods shares one split, and the
 * same test users recur in every seed ({@link CrossedComparison} on a {@link SeedUserSample}):
 * <ul>
 *   <li>primary: the mean difference with its 95% two-way (user x seed) cluster-bootstrap
 *       interval and the matching crossed-design p-value, effect sizes (relative difference,
 *       standardized difference) with intervals;
 *   <li>a paired t-test on the per-seed means, seeds as the unit.
 * </ul>
 * Multiplicity: Holm's correction over every method x metric comparison, or, when
 * {@code summary.primary-metric} is declared, over the methods on that metric only, the other
 * metrics reported as exploratory. A cell is marked {@code *} when its Holm-adjusted crossed
 * p-value is below 0.05.
 */
public final class GridSummary {
  private static final Pattern SEED = Pattern.compile("(^|,|\\[)seed=(\\d+)(?=,|\\])");
  static final List<String> PREFERRED = List.of("recall@10", "recall@20", "recall@50", "ndcg@10", "ndcg@20",
      "hit@50", "hit@100", "mrr@10", "auc", "gauc", "logloss");
  static final double ALPHA = 0.05;
  static final String PRIMARY = "primary";
  static final String EXPLORATORY = "exploratory";
  static final String ALL = "all";

  record Method(String name, List<ExperimentRunner.RunOutcome> runs, List<Integer> seeds) {}

  /** One method's comparison with the baseline on one metric. */
  record Comparison(String method, String metric, CrossedComparison.Result result, String family, double pHolm,
      double seedPHolm) {}

  private final List<Method> methods;
  private final List<String> metrics;
  private final SummaryConfig config;
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Map<String, Comparison>> comparisons = new LinkedHashMap<>(); // method -> metric -> c
  private final Map<Path, PerQuery> perQuery = new HashMap<>();

  private GridSummary(List<Method> methods, List<String> metrics, SummaryConfig config) {
    this.methods = methods;
    this.metrics = metrics;
    this.config = config;
  }

  /**
   * Recomputes the summary of a finished grid with the {@code summary:} section of the grid's
   * {@code config.yaml} (defaults when it has none).
   */
  public static String rebuild(Path parentDir) {
    return rebuild(parentDir, null, null);
  }

  /**
   * Recomputes the summary of a finished grid from its parent run directory: the children are the
   * run directories beside it whose {@code run.json} names it as parent. Writes {@code summary.md}
   * and {@code summary.csv} into the parent directory and returns the Markdown.
   *
   * @param primaryMetric overrides {@code summary.primary-metric} of the grid's config ({@code null}: keep it)
   * @param resamples overrides {@code summary.resamples} ({@code null}: keep it)
   * @throws UserException when the directory holds no finished children, or the primary metric is
   *     not a test metric of every child
   */
  public static String rebuild(Path parentDir, String primaryMetric, Integer resamples) {
    return rebuild(parentDir, primaryMetric, resamples, null, null);
  }

  /**
   * As {@link #rebuild(Path, String, Integer)}, and redraws the quality-vs-cost charts.
   *
   * @param costStage overrides {@code summary.cost-stage} ({@code null}: keep it)
   * @param metrics overrides {@code summary.metrics} ({@code null}: keep it)
   */
  public static String rebuild(Path parentDir, String primaryMetric, Integer resamples, String costStage,
      List<String> metrics) {
    org.towerlab.tracking.local.LocalRun parent = org.towerlab.tracking.local.LocalRun.read(parentDir);
    List<ExperimentRunner.RunOutcome> outcomes = new ArrayList<>();
    for (Path dir : org.towerlab.tracking.local.LocalRun.find(parentDir.getParent())) {
      org.towerlab.tracking.local.LocalRun run = org.towerlab.tracking.local.LocalRun.read(dir);
      if (isChild(parentDir, parent, run) && Files.exists(dir.resolve("metrics.json"))) {
        try {
          Map<String, Double> values = Mappers.JSON.readValue(dir.resolve("metrics.json").toFile(),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {});
          outcomes.add(new ExperimentRunner.RunOutcome(run.runName(), run.runId(), dir, values, null));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    if (outcomes.isEmpty()) {
      throw new UserException("No finished child runs of " + parentDir + " were found beside it."
          + " Pass the grid's parent run directory (runs/<experiment>/<experiment>-grid-<hash>).");
    }
    // the grid's own order (the first method is the baseline): the leaderboard lists run ids in it
    List<String> order = new ArrayList<>();
    try {
      for (String[] f : org.towerlab.registry.io.Csv.rows(Files.readString(parentDir.resolve("leaderboard.csv")))) {
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
    SummaryConfig recorded = summaryConfig(parentDir.resolve("config.yaml"));
    SummaryConfig cfg = new SummaryConfig(primaryMetric != null ? primaryMetric : recorded.primaryMetric(),
        resamples != null ? resamples : recorded.resamples(), recorded.seed(),
        costStage != null ? costStage : recorded.costStage(), metrics != null ? metrics : recorded.metrics());
    if (metrics != null) {
      for (String m : metrics) {
        if (!reportedByAll(outcomes, m)) {
          throw new UserException("--metrics " + m + " is not a test metric of every run of " + parentDir
              + ". Test metrics of the runs: " + testMetrics(outcomes) + ".");
        }
      }
    }
    if (primaryMetric != null && !reportedByAll(outcomes, primaryMetric)) {
      throw new UserException("--primary-metric " + primaryMetric + " is not a test metric of every run of "
          + parentDir + ". Test metrics of the runs: " + testMetrics(outcomes) + ".");
    }
    GridSummary summary = of(outcomes, cfg);
    ExperimentRunner.writeText(parentDir.resolve("summary.md"), summary.markdown());
    ExperimentRunner.writeText(parentDir.resolve("summary.csv"), summary.csv());
    QualityCost.write(parentDir, parent.experiment(), outcomes, cfg); // redrawn with the same settings
    return summary.markdown();
  }

  /** The {@code summary:} section of a grid's config file, or every default. */
  static SummaryConfig summaryConfig(Path configYaml) {
    if (!Files.isRegularFile(configYaml)) {
      return SummaryConfig.DEFAULT;
    }
    ObjectMapper yaml = Mappers.YAML.copy().setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    try {
      JsonNode node = yaml.readTree(configYaml.toFile()).path("summary");
      if (!node.isObject()) {
        return SummaryConfig.DEFAULT;
      }
      return yaml.treeToValue(node, SummaryConfig.class);
    } catch (JsonProcessingException e) {
      throw new UserException("Cannot read the summary: section of " + configYaml + ": "
          + e.getOriginalMessage().replaceAll("\\s+", " ") + ". Fix the section, or pass --primary-metric.", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    return of(outcomes, SummaryConfig.DEFAULT);
  }

  /**
   * The summary of {@code outcomes} (the first method is the baseline). A primary metric that not
   * every run reports is noted in the summary, and Holm's correction then runs over every metric.
   */
  static GridSummary of(List<ExperimentRunner.RunOutcome> outcomes, SummaryConfig config) {
    List<Method> methods = group(outcomes);
    List<String> metrics = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String m : config.metrics() != null ? config.metrics() : PREFERRED) {
      if (reportedByAll(outcomes, m)) {
        metrics.add(m);
      } else if (config.metrics() != null) {
        notes.add("summary.metrics names '" + m + "', which not every run reports; it is left out.");
      }
    }
    SummaryConfig cfg = config;
    String primary = config.primaryMetric();
    if (primary != null) {
      if (reportedByAll(outcomes, primary)) {
        if (!metrics.contains(primary)) {
          metrics.add(0, primary);
        }
      } else {
        notes.add("summary.primary-metric '" + primary + "' is not a test metric of every run (they report "
            + testMetrics(outcomes) + "); Holm's correction runs over every comparison instead.");
        cfg = new SummaryConfig(null, config.resamples(), config.seed(), config.costStage(), config.metrics());
      }
    }
    GridSummary s = new GridSummary(methods, metrics, cfg);
    s.notes.addAll(notes);
    s.compare();
    return s;
  }

  private static boolean reportedByAll(List<ExperimentRunner.RunOutcome> outcomes, String metric) {
    return outcomes.stream().allMatch(o -> o.metrics().containsKey("test/" + metric));
  }

  private static List<String> testMetrics(List<ExperimentRunner.RunOutcome> outcomes) {
    return outcomes.get(0).metrics().keySet().stream().filter(k -> k.startsWith("test/"))
        .map(k -> k.substring("test/".length())).filter(k -> reportedByAll(outcomes, k)).sorted().toList();
  }

  static List<Method> group(List<ExperimentRunner.RunOutcome> outcomes) {
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

  // ---------------------------------------------------------------- comparisons

  private void compare() {
    if (methods.size() < 2) {
      return;
    }
    Method base = methods.get(0);
    List<Comparison> raw = new ArrayList<>();
    for (int i = 1; i < methods.size(); i++) {
      for (String metric : metrics) {
        CrossedComparison.Result r = compare(base, methods.get(i), metric);
        if (r != null) {
          String family = config.primaryMetric() == null ? ALL
              : config.primaryMetric().equals(metric) ? PRIMARY : EXPLORATORY;
          raw.add(new Comparison(methods.get(i).name(), metric, r, family, Double.NaN, Double.NaN));
        }
      }
    }
    List<Comparison> family = raw.stream().filter(c -> !c.family().equals(EXPLORATORY)).toList();
    double[] p = family.stream().mapToDouble(c -> c.result().pValue()).toArray();
    double[] seedP = family.stream().mapToDouble(c -> c.result().seedLevel().pValue()).toArray();
    double[] pAdj = p.length == 0 ? p : Significance.holm(p);
    double[] seedAdj = seedP.length == 0 ? seedP : Significance.holm(seedP);
    Map<Comparison, Integer> index = new java.util.IdentityHashMap<>();
    for (int k = 0; k < family.size(); k++) {
      index.put(family.get(k), k);
    }
    for (Comparison c : raw) {
      Integer k = index.get(c);
      Comparison done = k == null ? c : new Comparison(c.method(), c.metric(), c.result(), c.family(), pAdj[k], seedAdj[k]);
      comparisons.computeIfAbsent(c.method(), x -> new LinkedHashMap<>()).put(c.metric(), done);
    }
  }

  /** The comparison of {@code other} with {@code base} on {@code metric}, or null when there is nothing to test. */
  private CrossedComparison.Result compare(Method base, Method other, String metric) {
    TreeMap<Integer, SeedUserSample.Values> a = values(other, metric);
    TreeMap<Integer, SeedUserSample.Values> b = values(base, metric);
    if (a == null || b == null) {
      return null;
    }
    SeedUserSample sample = SeedUserSample.of(a, b);
    if (sample.numSeeds() < 2 || sample.numUsers() < 2) {
      return null;
    }
    Seeds seeds = new Seeds(config.seed());
    return CrossedComparison.compare(sample, config.resamples(),
        seeds.stream("summary.bootstrap/" + other.name() + "/" + metric));
  }

  /** Per-seed per-query values of a method, or null when a run lacks them or two runs share a seed. */
  private TreeMap<Integer, SeedUserSample.Values> values(Method m, String metric) {
    TreeMap<Integer, SeedUserSample.Values> out = new TreeMap<>();
    for (int i = 0; i < m.runs().size(); i++) {
      PerQuery pq = perQuery.computeIfAbsent(m.runs().get(i).dir(), PerQuery::read);
      double[] v = pq == null ? null : pq.columns().get(metric);
      if (v == null || out.put(m.seeds().get(i), new SeedUserSample.Values(pq.queries(), v)) != null) {
        return null;
      }
    }
    return out;
  }

  /** A run's per-query test values ({@link PerQueryFile}): query ids and one column per metric. */
  record PerQuery(long[] queries, Map<String, double[]> columns) {
    static PerQuery read(Path runDir) {
      return PerQueryFile.read(runDir);
    }
  }

  Comparison comparison(String method, String metric) {
    return comparisons.getOrDefault(method, Map.of()).get(metric);
  }

  // ---------------------------------------------------------------- output

  /** Each run's test value of {@code metric} (its mean over queries, from metrics.json). */
  private static double[] testValues(Method m, String metric) {
    return m.runs().stream().mapToDouble(o -> o.metrics().getOrDefault("test/" + metric, Double.NaN)).toArray();
  }

  private static double std(double[] x) {
    if (x.length < 2) {
      return 0;
    }
    double mean = Arrays.stream(x).average().orElse(0);
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return Math.sqrt(ss / (x.length - 1));
  }

  private boolean significant(Comparison c) {
    return c != null && !c.family().equals(EXPLORATORY) && c.pHolm() < ALPHA;
  }

  private String cell(Method m, String metric) {
    double[] v = testValues(m, metric);
    StringBuilder sb = new StringBuilder();
    if (v.length > 1) {
      MeanInterval ci = Significance.meanInterval(v);
      sb.append(String.format(Locale.ROOT, "%.4f ± %.4f", ci.mean(), ci.halfWidth()));
    } else {
      sb.append(String.format(Locale.ROOT, "%.4f", v[0]));
    }
    if (significant(comparison(m.name(), metric))) {
      sb.append(" *");
    }
    return sb.toString();
  }

  private List<Comparison> all() {
    List<Comparison> out = new ArrayList<>();
    comparisons.values().forEach(byMetric -> out.addAll(byMetric.values()));
    return out;
  }

  private int familySize() {
    return (int) all().stream().filter(c -> !c.family().equals(EXPLORATORY)).count();
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    for (String note : notes) {
      sb.append("Note: ").append(note).append("\n\n");
    }
    sb.append("| method | seeds |");
    for (String m : metrics) {
      sb.append(' ').append(m).append(" |");
    }
    sb.append("\n|---|---:|").append("---:|".repeat(metrics.size())).append('\n');
    for (Method m : methods) {
      sb.append("| ").append(esc(m.name())).append(" | ").append(m.runs().size()).append(" |");
      for (String metric : metrics) {
        sb.append(' ').append(cell(m, metric)).append(" |");
      }
      sb.append('\n');
    }
    sb.append("\nMean ± half-width of the 95% Student-t interval over seeds (std in summary.csv).");
    List<Comparison> all = all();
    if (methods.size() < 2 || all.isEmpty()) {
      sb.append(methods.size() < 2 ? "\n" : " No comparison with **" + esc(methods.get(0).name()) + "**: the methods"
          + " need per-query values (per-query-test.csv.gz) under at least 2 common seeds.\n");
      return sb.toString();
    }
    String base = esc(methods.get(0).name());
    sb.append(" `*`: differs from **").append(base).append("**: Holm-adjusted p < 0.05 of the crossed test ");
    if (config.primaryMetric() != null) {
      sb.append("on the declared primary metric **").append(config.primaryMetric()).append("** (").append(familySize())
          .append(familySize() == 1 ? " comparison" : " comparisons")
          .append("); the other metrics are exploratory and never marked.\n\n");
    } else {
      sb.append("over all ").append(familySize()).append(" method x metric comparisons.\n\n");
    }
    sb.append("Comparisons with **").append(base).append("** (method − baseline):\n\n");
    sb.append("| method | metric | seeds x users | Δ [95% CI] | relative Δ [95% CI] | effect size d [95% CI] | p |"
        + " p (Holm) | seed-level t (df) | seed-level p (Holm) |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Comparison c : all) {
      CrossedComparison.Result r = c.result();
      boolean expl = c.family().equals(EXPLORATORY);
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d x %d | %s | %s | %s | %s | %s | %s | %s |%n",
          esc(c.method()), c.metric(), r.seeds(), r.users(),
          ci("%+.4f", r.difference(), r.lower(), r.upper(), 1),
          ci("%+.1f%%", r.relative(), r.relativeLower(), r.relativeUpper(), 100),
          ci("%+.2f", r.effectSize(), r.effectSizeLower(), r.effectSizeUpper(), 1),
          p(r.pValue()), expl ? "exploratory" : p(c.pHolm()) + (significant(c) ? " *" : ""),
          String.format(Locale.ROOT, "%.2f (%d)", r.seedLevel().statistic(), r.seeds() - 1),
          expl ? "exploratory (" + p(r.seedLevel().pValue()) + ")" : p(c.seedPHolm())));
    }
    CrossedComparison.Result first = all.get(0).result();
    sb.append('\n').append(howToRead(first.resamples(), first.seeds(), first.users()));
    return sb.toString();
  }

  /** The "how to read this table" paragraph of {@code summary.md}. */
  private String howToRead(int resamples, int seeds, int users) {
    String family = config.primaryMetric() != null
        ? "over the methods on the primary metric " + config.primaryMetric() + " (declared in the config's"
            + " `summary.primary-metric` before the runs); rows of other metrics are exploratory: their p is"
            + " unadjusted and they are never marked"
        : "over all " + familySize() + " method x metric comparisons of the table";
    return String.format(Locale.ROOT, """
        **How to read this table.** Each row compares a method with the baseline on the same splits (seed s \
        of both uses one split) and the same test users (%d seeds x %d users here; users that some run did not \
        evaluate are left out). Δ is the mean over seeds and users of the per-user difference, method minus \
        baseline. Its 95%% interval is a two-way cluster bootstrap (%d resamples, seeded by \
        `summary.seed` = %d, so a rerun gives the same interval): seeds and users are resampled independently, \
        because the same users recur in every seed (their differences correlate across seeds) and every seed \
        adds its own training noise. The bootstrap's spread is rescaled to the unbiased variance of this \
        crossed design and widened for the few seeds, since the raw bootstrap is too conservative with few seeds \
        (docs/metrics.md). p is the matching two-sided test; p (Holm) is adjusted %s; `*` marks p (Holm) < 0.05. \
        "relative Δ" divides Δ by the baseline's mean; d divides it by the standard deviation of the per-user, \
        per-seed differences (0.2 is small, 0.5 medium). The seed-level test is a paired t-test on the per-seed \
        means (seeds as the unit, seeds − 1 degrees of freedom): it asks whether the difference exceeds \
        run-to-run noise *on these test users*, and does not generalize to other users. An interval that \
        excludes 0 without a `*` is a difference that does not survive the correction for the number of \
        comparisons. Per-query tests pooled over seeds are not reported: they treat users x seeds as \
        independent pairs and find differences where there are none (16-25%% of null comparisons at the 5%% \
        level in simulation).
        """, seeds, users, resamples, config.seed(), family);
  }

  private static String ci(String fmt, double v, double lo, double hi, double scale) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return String.format(Locale.ROOT, fmt + " [" + fmt + ", " + fmt + "]", v * scale, lo * scale, hi * scale);
  }

  private static String p(double p) {
    return Double.isNaN(p) ? "–" : String.format(Locale.ROOT, "%.3g", p);
  }

  private static String esc(String s) {
    return s.replace("|", "/");
  }

  String csv() {
    List<String[]> rows = new ArrayList<>();
    rows.add(("method,metric,seeds,mean,std,ci95_low,ci95_high,family,users,dropped_users,"
        + "diff,diff_ci95_low,diff_ci95_high,se,df,p,p_holm,rel_diff,rel_ci95_low,rel_ci95_high,effect_size,"
        + "effect_size_ci95_low,effect_size_ci95_high,seed_t,seed_df,seed_p,seed_p_holm,resamples").split(","));
    for (Method m : methods) {
      for (String metric : metrics) {
        double[] v = testValues(m, metric);
        MeanInterval ci = v.length > 1 ? Significance.meanInterval(v) : new MeanInterval(1, v[0], v[0], v[0], 0.95);
        List<String> row = new ArrayList<>(List.of(m.name(), metric, Integer.toString(v.length),
            f6(ci.mean()), f6(std(v)), f6(ci.lower()), f6(ci.upper())));
        Comparison c = comparison(m.name(), metric);
        if (c == null) {
          row.addAll(java.util.Collections.nCopies(21, ""));
          rows.add(row.toArray(new String[0]));
          continue;
        }
        CrossedComparison.Result r = c.result();
        row.addAll(List.of(c.family(), Integer.toString(r.users()), Integer.toString(r.droppedUsers())));
        for (double x : new double[] {r.difference(), r.lower(), r.upper(), r.se(), r.df()}) {
          row.add(num(x, "%.6g"));
        }
        row.add(num(r.pValue(), "%.4g"));
        row.add(num(c.pHolm(), "%.4g"));
        for (double x : new double[] {r.relative(), r.relativeLower(), r.relativeUpper(), r.effectSize(),
            r.effectSizeLower(), r.effectSizeUpper(), r.seedLevel().statistic()}) {
          row.add(num(x, "%.6g"));
        }
        row.addAll(List.of(Integer.toString(r.seeds() - 1), num(r.seedLevel().pValue(), "%.4g"),
            num(c.seedPHolm(), "%.4g"), Integer.toString(r.resamples())));
        rows.add(row.toArray(new String[0]));
      }
    }
    return org.towerlab.registry.io.Csv.toString(rows);
  }

  private static String f6(double x) {
    return String.format(Locale.ROOT, "%.6f", x);
  }

  private static String num(double x, String fmt) {
    return Double.isNaN(x) ? "" : String.format(Locale.ROOT, fmt, x);
  }
}
