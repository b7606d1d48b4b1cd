package org.towerlab.trainers;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * @param part {@code valid} (seen = train) or {@code test} (seen = train + valid)
   * @return metrics keyed {@code <part>/<metric>}, plus per-query values in {@code perQuery}
   */
  public static Result evaluate(List<Evaluator> evaluators, Split split, String part, Scorer scorer,
      NDManager manager) {
    return evaluate(evaluators, split, part, scorer, Map.of(), manager);
  }

  /**
   * With the run's named scorers (cascade stages); an evaluator pinned to a scorer that is not among
   * them is skipped (a stage's own validation runs without the others).
   */
  public static Result evaluate(List<Evaluator> evaluators, Split split, String part, Scorer scorer,
      Map<String, Scorer> scorers, NDManager manager) {
    InteractionLog target = split.part(part);
    InteractionLog seen = "test".equals(part) ? concat(split.train(), split.valid()) : split.train();
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, double[]> perQuery = new LinkedHashMap<>();
    long[] queries = null;
    for (Evaluator e : evaluators) {
      if (!e.appliesTo(split) || (e.scorerName() != null && !scorers.containsKey(e.scorerName()))) {
        continue;
      }
      try (NDManager m = manager.newSubManager()) {
        // a cascade keeps the query's seen items out of its upstream stages, as serving would
        Evaluation ev = e.evaluate(new EvalContext(split, part, target, seen, scorer.excluding(seen), scorers, m));
        ev.metrics().forEach((k, v) -> metrics.put(part + "/" + k, v));
        if (queries == null || java.util.Arrays.equals(queries, ev.queries())) {
          queries = ev.queries();
          ev.perQuery().forEach((k, v) -> perQuery.put(k, v));
        }
      }
    }
    return new Result(metrics, perQuery, queries == null ? new long[0] : queries);
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
