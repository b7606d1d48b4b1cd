package org.towerlab.trainers;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

/** Runs the applicable evaluators on one split part and merges their results. */
public final class Evaluations {
  private Evaluations() {}

  /**
   * Per-epoch validation of one model: no named scorers are offered, so evaluators that read some
   * ({@link Evaluator#scorerNames()}: {@code scorer: ranker}, a cascade reference) are skipped.
   *
   * @param part {@code valid} (seen = train) or {@code test} (seen = train + valid)
   * @return metrics keyed {@code <part>/<metric>}, plus per-query values in {@code perQuery}
   */
  public static Result evaluate(List<Evaluator> evaluators, Split split, String part, Scorer scorer,
      NDManager manager) {
    return evaluate(evaluators, split, part, scorer, null, manager);
  }

  /**
   * Runs the applicable evaluators with the run's named scorers (the stages of a cascade,
   * {@code TrainResult.stages()}); an evaluator that names a scorer the run does not have fails with
   * a {@link org.towerlab.api.UserException}.
   *
   * @param scorers the named scorers, or {@code null} when none are offered (evaluators that need
   *     some are then skipped)
   * @return metrics keyed {@code <part>/<metric>}; per-query values over the union of the
   *     evaluators' queries (ascending), NaN where an evaluator did not evaluate a query (a label
   *     with fewer queries than the positives, a pointwise evaluator's query set)
   */
  public static Result evaluate(List<Evaluator> evaluators, Split split, String part, Scorer scorer,
      Map<String, Scorer> scorers, NDManager manager) {
    InteractionLog target = split.part(part);
    InteractionLog seen = "test".equals(part) ? concat(split.train(), split.valid()) : split.train();
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<Evaluation> results = new ArrayList<>();
    for (Evaluator e : evaluators) {
      if (!e.appliesTo(split) || (scorers == null && !e.scorerNames().isEmpty())) {
        continue;
      }
      try (NDManager m = manager.newSubManager()) {
        Evaluation ev = e.evaluate(new EvalContext(split, part, target, seen, scorer, scorers, m));
        ev.metrics().forEach((k, v) -> metrics.put(part + "/" + k, v));
        results.add(ev);
      }
    }
    return merge(metrics, results);
  }

  /** Per-query values of every evaluation over the union of their queries, NaN where one has no value. */
  static Result merge(Map<String, Double> metrics, List<Evaluation> results) {
    TreeSet<Long> union = new TreeSet<>();
    for (Evaluation ev : results) {
      for (long q : ev.queries()) {
        union.add(q);
      }
    }
    long[] queries = union.stream().mapToLong(Long::longValue).toArray();
    Map<String, double[]> perQuery = new LinkedHashMap<>();
    for (Evaluation ev : results) {
      long[] own = ev.queries();
      boolean same = Arrays.equals(own, queries);
      for (Map.Entry<String, double[]> e : ev.perQuery().entrySet()) {
        double[] values = e.getValue();
        if (!same) {
          double[] spread = new double[queries.length];
          Arrays.fill(spread, Double.NaN);
          for (int i = 0; i < own.length; i++) {
            spread[Arrays.binarySearch(queries, own[i])] = values[i];
          }
          values = spread;
        }
        perQuery.put(e.getKey(), values);
      }
    }
    return new Result(metrics, perQuery, queries);
  }

  /** Merged metrics, and per-query values aligned with {@code queries}. */
  public record Result(Map<String, Double> metrics, Map<String, double[]> perQuery, long[] queries) {}

  /** Rows of {@code a} then rows of {@code b}; labels present in both are kept. */
  public static InteractionLog concat(InteractionLog a, InteractionLog b) {
    int n = a.size() + b.size();
    int[] q = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    System.arraycopy(a.queries(), 0, q, 0, a.size());
    System.arraycopy(b.queries(), 0, q, a.size(), b.size());
    System.arraycopy(a.items(), 0, it, 0, a.size());
    System.arraycopy(b.items(), 0, it, a.size(), b.size());
    System.arraycopy(a.timestamps(), 0, ts, 0, a.size());
    System.arraycopy(b.timestamps(), 0, ts, a.size(), b.size());
    Map<String, float[]> labels = new LinkedHashMap<>();
    for (String name : a.labelNames()) {
      if (b.hasLabel(name)) {
        float[] v = new float[n];
        System.arraycopy(a.label(name), 0, v, 0, a.size());
        System.arraycopy(b.label(name), 0, v, a.size(), b.size());
        labels.put(name, v);
      }
    }
    return new InteractionLog(q, it, ts, labels, null, null, null);
  }
}
