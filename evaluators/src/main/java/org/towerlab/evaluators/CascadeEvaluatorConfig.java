package org.towerlab.evaluators;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the {@code cascade} evaluator: how a stage agrees with a reference over a candidate
 * set.
 *
 * @param scorer the stage to evaluate: a named scorer of the run ({@code pre-ranker}), or
 *     {@code null} (the default) for the system under test. Prefixes keys with {@code <scorer>/}
 * @param reference required: {@code truth} (the data set's true relevance) or a named scorer of the
 *     run ({@code ranker})
 * @param candidates {@code corpus} (the default: every item the query has not seen) or a named
 *     scorer whose top {@code candidate-size} unseen items are the candidate set (the set the stage
 *     receives in a cascade)
 * @param candidateSize M, the number of candidates a named {@code candidates} stage passes on;
 *     required with one, not allowed with {@code corpus}
 * @param ms the stage's cut-offs m of {@code recall@m@k}; default {@code [10, 50, 100]}
 * @param ks the reference's cut-offs k of {@code recall@m@k} and {@code ndcg@k}; default {@code [10]}.
 *     {@code recall@m@k} is reported for every pair with m >= k
 * @param metrics any of {@code recall, opa, ndcg}; default all three
 * @param queryBlock queries per block; default 128 (with {@code corpus} candidates a block holds
 *     {@code query-block x items} scores of the stage and of a scorer reference)
 * @param itemBlock items scored per {@code scoreBlock} call; 0 (the default) the whole corpus
 * @param excludeSeen whether the query's seen items are removed from the candidates; {@code null}
 *     (the default) takes the split's {@code exclude-seen} setting, itself true by default
 */
public record CascadeEvaluatorConfig(
    String scorer,
    String reference,
    String candidates,
    Integer candidateSize,
    List<Integer> ms,
    List<Integer> ks,
    List<String> metrics,
    Integer queryBlock,
    Integer itemBlock,
    Boolean excludeSeen) implements ComponentConfig.Evaluator {

  /** The reference that means the data set's ground truth. */
  public static final String TRUTH = "truth";
  /** The candidate set that means every unseen item. */
  public static final String CORPUS = "corpus";
  /** The metrics this evaluator knows, in report order. */
  public static final List<String> KNOWN_METRICS = List.of("recall", "opa", "ndcg");

  public CascadeEvaluatorConfig {
    scorer = ConfigChecks.name("scorer", scorer, null);
    if (reference == null) {
      throw new IllegalArgumentException("reference is required: 'truth' or the name of one of the run's stages"
          + " (the ranker, for example), got null");
    }
    reference = ConfigChecks.name("reference", reference, null);
    candidates = ConfigChecks.name("candidates", candidates, CORPUS);
    if (CORPUS.equals(candidates)) {
      if (candidateSize != null) {
        throw new IllegalArgumentException("candidate-size applies to a named candidates stage, but candidates is"
            + " 'corpus'; got candidate-size " + candidateSize);
      }
    } else if (candidateSize == null || candidateSize <= 0) {
      throw new IllegalArgumentException("candidate-size (M, the number of items stage '" + candidates
          + "' passes on) must be a positive integer, got " + candidateSize);
    }
    ms = ms == null ? List.of(10, 50, 100) : List.copyOf(ms);
    ConfigChecks.cutoffs("ms", ms);
    ks = ks == null ? List.of(10) : List.copyOf(ks);
    ConfigChecks.cutoffs("ks", ks);
    metrics = metrics == null ? KNOWN_METRICS : List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics must name at least one metric, got " + metrics);
    }
    for (String m : metrics) {
      if (!KNOWN_METRICS.contains(m)) {
        throw new IllegalArgumentException("unknown cascade metric '" + m + "'; known: " + KNOWN_METRICS);
      }
    }
    int[] sortedMs = ConfigChecks.sorted(ms);
    int[] sortedKs = ConfigChecks.sorted(ks);
    if (metrics.contains("recall") && sortedMs[sortedMs.length - 1] < sortedKs[0]) {
      throw new IllegalArgumentException("recall@m@k needs some m >= k, got ms " + ms + " and ks " + ks);
    }
    if (candidateSize != null) {
      int largest = Math.max(sortedMs[sortedMs.length - 1], sortedKs[sortedKs.length - 1]);
      if (largest > candidateSize) {
        throw new IllegalArgumentException("every cut-off in ms and ks must be at most candidate-size "
            + candidateSize + " (the stage sees only M candidates), got " + largest);
      }
    }
    queryBlock = queryBlock == null ? 128 : queryBlock;
    if (queryBlock <= 0) {
      throw new IllegalArgumentException("query-block must be positive, got " + queryBlock);
    }
    itemBlock = itemBlock == null ? 0 : itemBlock;
    if (itemBlock < 0) {
      throw new IllegalArgumentException("item-block must be 0 (whole corpus) or positive, got " + itemBlock);
    }
  }

  /** Whether the reference is the ground truth. */
  public boolean truthReference() {
    return TRUTH.equals(reference);
  }

  /** Whether the candidates are every unseen item. */
  public boolean corpusCandidates() {
    return CORPUS.equals(candidates);
  }

  /**
   * The key segment(s) after the scorer prefix: {@code vs-<reference>/} and, for a named candidates
   * stage, {@code in-<candidates>-top<M>/}.
   */
  public String keyPrefix() {
    return "vs-" + reference + "/" + (corpusCandidates() ? "" : "in-" + candidates + "-top" + candidateSize + "/");
  }
}
