package org.towerlab.trainers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** One row per run, one column per test metric (plus the best epoch), as CSV and Markdown. */
final class Leaderboard {
  private final List<ExperimentRunner.RunOutcome> rows;
  private final List<String> columns;

  private Leaderboard(List<ExperimentRunner.RunOutcome> rows, List<String> columns) {
    this.rows = rows;
    this.columns = columns;
  }

  static Leaderboard of(List<ExperimentRunner.RunOutcome> outcomes) {
    TreeSet<String> keys = new TreeSet<>(Leaderboard::compareKeys);
    for (ExperimentRunner.RunOutcome o : outcomes) {
      for (String k : o.metrics().keySet()) {
        if (k.startsWith("test/") || k.startsWith("cost/")) {
          keys.add(k);
        }
      }
    }
    List<String> cols = new ArrayList<>(keys);
    cols.add("train/best-epoch");
    return new Leaderboard(outcomes, cols);
  }

  /** Orders {@code test/recall@10} before {@code test/recall@20} before {@code test/recall@50}. */
  private static int compareKeys(String a, String b) {
    String[] pa = a.split("@");
    String[] pb = b.split("@");
    int c = pa[0].compareTo(pb[0]);
    if (c != 0 || pa.length < 2 || pb.length < 2) {
      return c != 0 ? c : a.compareTo(b);
    }
    try {
      return Integer.compare(Integer.parseInt(pa[1]), Integer.parseInt(pb[1]));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  /** Ranking and pointwise metrics of any label or stage, the cascade metrics, and the main costs. */
  private static boolean main(String key) {
    if (key.startsWith("cost/")) {
      return key.endsWith("/flops-per-pair") || key.endsWith("/us-per-1000-candidates") || key.endsWith("/us-per-query");
    }
    String k = key.substring(key.lastIndexOf('/') + 1);
    return k.startsWith("recall@") || k.startsWith("ndcg@") || k.startsWith("hit@") || k.startsWith("relevant@")
        || k.equals("auc")
        || k.equals("gauc") || k.equals("logloss") || k.equals("best-epoch") || k.equals("opa");
  }

  private static String fmt(Double v, String key) {
    if (v == null || v.isNaN()) {
      return "";
    }
    if (key.endsWith("best-epoch")) {
      return String.valueOf(v.intValue());
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  String csv() {
    StringBuilder sb = new StringBuilder("run,run_id");
    for (String c : columns) {
      sb.append(',').append(c);
    }
    sb.append('\n');
    for (ExperimentRunner.RunOutcome r : rows) {
      sb.append('"').append(r.name().replace("\"", "\"\"")).append('"').append(',').append(r.runId());
      for (String c : columns) {
        sb.append(',').append(fmt(r.metrics().get(c), c));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The stages of the runs: the names in {@code cost/<stage>/...} keys (a cascade's stages, a
   * distillation teacher).
   */
  private java.util.Set<String> stages() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String c : columns) {
      String[] parts = c.split("/");
      if (parts.length == 3 && parts[0].equals("cost")) {
        out.add(parts[1]);
      }
    }
    return out;
  }

  private static String stageOf(String key, java.util.Set<String> stages) {
    String[] parts = key.split("/");
    return parts.length >= 3 && stages.contains(parts[1]) ? parts[1] : null;
  }

  /**
   * The Markdown tables show the main ranking, pointwise and cascade metrics and the main costs; the
   * CSV has every column. Runs with stages get a second table, one row per run and stage.
   */
  String markdown() {
    java.util.Set<String> stages = stages();
    List<String> shown = columns.stream().filter(Leaderboard::main).filter(c -> stageOf(c, stages) == null).toList();
    StringBuilder sb = new StringBuilder("| run |");
    for (String c : shown) {
      sb.append(' ').append(c.replace("test/", "").replace("train/", "")).append(" |");
    }
    sb.append("\n|---|");
    sb.append("---:|".repeat(shown.size()));
    sb.append('\n');
    for (ExperimentRunner.RunOutcome r : rows) {
      sb.append("| ").append(r.name().replace("|", "/")).append(" |");
      for (String c : shown) {
        sb.append(' ').append(fmt(r.metrics().get(c), c)).append(" |");
      }
      sb.append('\n');
    }
    if (stages.isEmpty()) {
      return sb.toString();
    }
    // one row per (run, stage): the stage's own metrics, by their name without the stage
    java.util.TreeSet<String> metricNames = new java.util.TreeSet<>(Leaderboard::compareKeys);
    for (String c : columns) {
      String st = stageOf(c, stages);
      if (st != null && main(c)) {
        metricNames.add(c.replace("/" + st + "/", "/"));
      }
    }
    sb.append("\n| run | stage |");
    for (String m : metricNames) {
      sb.append(' ').append(m.replace("test/", "")).append(" |");
    }
    sb.append("\n|---|---|").append("---:|".repeat(metricNames.size())).append('\n');
    for (ExperimentRunner.RunOutcome r : rows) {
      for (String st : stages) {
        boolean any = r.metrics().keySet().stream().anyMatch(k -> st.equals(stageOf(k, stages)));
        if (!any) {
          continue;
        }
        sb.append("| ").append(r.name().replace("|", "/")).append(" | ").append(st).append(" |");
        for (String m : metricNames) {
          String key = m.substring(0, m.indexOf('/') + 1) + st + m.substring(m.indexOf('/'));
          sb.append(' ').append(fmt(r.metrics().get(key), key)).append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
