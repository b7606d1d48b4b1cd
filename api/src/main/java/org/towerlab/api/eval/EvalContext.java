package org.towerlab.api.eval;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;

/**
 * What an evaluator gets: the split, which part to evaluate ({@code valid} or {@code test}), the
 * part's positive rows, the interactions whose items count as already seen for each query (train,
 * plus valid when testing), the scorer under test, the run's other named scorers (the stages of a
 * cascade, by stage name; empty for a one-model run), and a manager for its own scope. The part's
 * logged rows are {@code split.logged(part)} when {@code split.hasLogged()}.
 */
public record EvalContext(Split split, String part, InteractionLog target, InteractionLog seen,
    Scorer scorer, Map<String, Scorer> scorers, NDManager manager) {

  public EvalContext {
    scorers = scorers == null ? Map.of() : Map.copyOf(scorers);
  }

  public EvalContext(Split split, String part, InteractionLog target, InteractionLog seen, Scorer scorer,
      NDManager manager) {
    this(split, part, target, seen, scorer, Map.of(), manager);
  }

  /** The named scorer ({@code scorer: ranker} in an evaluator's config); throws naming the known ones. */
  public Scorer scorer(String name) {
    Scorer s = scorers.get(name);
    if (s == null) {
      throw new org.towerlab.api.UserException("An evaluator asks for scorer '" + name + "', but this run has "
          + (scorers.isEmpty() ? "no named scorers (only cascade strategies name their stages)" : scorers.keySet())
          + ". Fix the evaluator's scorer: option.");
    }
    return s;
  }
}
