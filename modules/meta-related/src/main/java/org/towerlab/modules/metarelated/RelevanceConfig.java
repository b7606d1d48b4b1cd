package org.towerlab.modules.metarelated;

import java.util.List;

/**
 * A semantic relevance rule: the relevance of candidate {@code b} to seed {@code a} is the weighted
 * mean of its terms, {@code rel(a, b) = sum_t w_t s_t(a, b) / sum_t w_t} in {@code [0, 1]}, and the
 * pair is relevant (a topic match) when {@code rel >= threshold}. The paper's relevance comes from
 * a multimodal topic classifier [P: abstract]; here it is a transparent rule over the content the
 * data set has (genres, year, title tokens, categories, content vectors, the simulator's truth, or
 * a user file) [I].
 *
 * @param terms the terms ({@link RelevanceTermConfig}); default one {@code match} term on the item
 *     category (topic match)
 * @param threshold the relevance at or above which a pair counts as relevant, in {@code (0, 1]};
 *     default 0.5 (with the default rule: the same category)
 */
public record RelevanceConfig(List<RelevanceTermConfig> terms, Double threshold) {

  public RelevanceConfig {
    terms = terms == null ? List.of(RelevanceTermConfig.of("match", null, 1.0)) : List.copyOf(terms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("relevance.terms is empty; leave it out for the category match");
    }
    threshold = threshold == null ? 0.5 : threshold;
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("relevance.threshold must be in (0, 1], got " + threshold);
    }
  }

  /** The default rule: same item category, threshold 0.5. */
  public static RelevanceConfig defaults() {
    return new RelevanceConfig(null, null);
  }
}
