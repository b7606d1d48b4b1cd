package org.towerlab.trainers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.config.SummaryConfig;
import org.towerlab.tracking.plots.CostPlots;

/**
 * The quality-versus-cost charts of a grid with several methods: the quality metric (the declared
 * {@code summary.primary-metric}, else test Recall@20, else test AUC) against
 * {@code cost/flops-per-pair} (deterministic: the model's arithmetic per scored pair) and against
 * {@code cost/us-per-1000-candidates} (measured on this machine, so it moves with the CPU and the
 * load). Files {@code plots/quality-vs-flops.png} and {@code plots/quality-vs-latency.png} in the
 * grid's directory. With {@code summary.cost-stage} (grids of cascades that compare one stage), the
 * cost is that stage's, {@code cost/<stage>/flops-per-pair} and {@code cost/<stage>/us-per-1000-candidates}.
 */
final class QualityCost {
  static final String FLOPS = "cost/flops-per-pair";
  static final String LATENCY = "cost/us-per-1000-candidates";

  private QualityCost() {}

  /** The metric the charts plot, or null when the runs report none of the candidates. */
  static String qualityMetric(List<ExperimentRunner.RunOutcome> outcomes, SummaryConfig summary) {
    List<String> candidates = new ArrayList<>();
    if (summary != null && summary.primaryMetric() != null) {
      candidates.add("test/" + summary.primaryMetric());
    }
    candidates.add("test/recall@20");
    candidates.add("test/auc");
    for (String c : candidates) {
      if (outcomes.stream().allMatch(o -> o.metrics().containsKey(c))) {
        return c;
      }
    }
    return null;
  }

  /** The grid label of a method without the experiment name: {@code exp[variant=dat]} -> {@code dat}. */
  static String shortName(String method) {
    java.util.regex.Matcher v = java.util.regex.Pattern.compile("variant=([^,\\]]+)").matcher(method);
    if (v.find()) {
      return v.group(1);
    }
    int open = method.indexOf('[');
    return open >= 0 && method.endsWith("]") ? method.substring(open + 1, method.length() - 1) : method;
  }

  /** Writes the charts when the grid has at least two methods with costs; returns what it wrote. */
  static List<Path> write(Path dir, String title, List<ExperimentRunner.RunOutcome> outcomes, SummaryConfig summary) {
    List<Path> out = new ArrayList<>();
    String quality = qualityMetric(outcomes, summary);
    List<GridSummary.Method> methods = GridSummary.group(outcomes);
    if (quality == null || methods.size() < 2) {
      return out;
    }
    String stage = summary == null ? null : summary.costStage();
    for (String base : List.of(FLOPS, LATENCY)) {
      String cost = stage == null ? base : "cost/" + stage + "/" + base.substring("cost/".length());
      if (!outcomes.stream().allMatch(o -> o.metrics().containsKey(cost))) {
        continue;
      }
      Map<String, List<double[]>> points = new LinkedHashMap<>();
      for (GridSummary.Method m : methods) {
        List<double[]> p = new ArrayList<>();
        for (ExperimentRunner.RunOutcome o : m.runs()) {
          p.add(new double[] {o.metrics().get(cost), o.metrics().get(quality)});
        }
        points.put(shortName(m.name()), p);
      }
      boolean flops = base.equals(FLOPS);
      String file = flops ? "quality-vs-flops.png" : "quality-vs-latency.png";
      String of = stage == null ? "" : " of the " + stage;
      String xLabel = flops ? "FLOPs per scored pair" + of + " (log)"
          : "µs per 1,000 candidates" + of + ", this machine (log)";
      out.add(CostPlots.qualityVsCost(title + ": " + quality + " against " + (flops ? "FLOPs" : "latency"),
          xLabel, quality, points, dir.resolve("plots").resolve(file)));
    }
    return out;
  }
}
