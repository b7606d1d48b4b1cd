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
    return k.startsWith("recall@") || k.startsWith("ndcg@") || k.startsWith("hit@") || k.equals("auc")
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

  /** The Markdown table shows the main ranking and pointwise metrics; the CSV has every column. */
  String markdown() {
    List<String> shown = columns.stream().filter(Leaderboard::main).toList();
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
    return sb.toString();
  }
}
