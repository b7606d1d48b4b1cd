package org.towerlab.modules.metarelated;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link RelatedTemporal}, the split of co-engagement pairs (with optional relabelling).
 *
 * @param validStart quantile of the positive pairs' timestamps where validation starts; default 0.8
 * @param testStart quantile where test starts; default 0.9
 * @param label the engagement label (a pair is engaged when it is above 0); default
 *     {@code engagement}
 * @param relevanceLabel the graded relevance label the relabelling reads; default {@code relevance}
 * @param minRelevance Meta's relabelling: a training pair is a positive only when it is engaged AND
 *     its relevance is at least this ({@code y = e AND r}); engaged pairs below it become logged
 *     negatives. Default none (no relabelling). Validation and test keep the engagement labels
 * @param relabelValid whether validation positives are relabelled too (early stopping on the
 *     relabelled target); default false
 * @param excludeSeen recorded for evaluators; default false: a related item co-engaged with the seed
 *     in training stays a valid answer at test time (the seed item itself is always removed)
 */
public record RelatedTemporalConfig(Double validStart, Double testStart, String label, String relevanceLabel,
    Double minRelevance, Boolean relabelValid, Boolean excludeSeen) implements ComponentConfig.Protocol {

  public RelatedTemporalConfig {
    validStart = validStart == null ? 0.8 : validStart;
    testStart = testStart == null ? 0.9 : testStart;
    if (!(validStart > 0 && validStart <= testStart && testStart <= 1)) {
      throw new IllegalArgumentException("need 0 < valid-start <= test-start <= 1, got valid-start " + validStart
          + " and test-start " + testStart);
    }
    label = label == null || label.isBlank() ? CoEngagement.ENGAGEMENT : label;
    relevanceLabel = relevanceLabel == null || relevanceLabel.isBlank() ? CoEngagement.RELEVANCE : relevanceLabel;
    if (minRelevance != null && !(minRelevance >= 0 && minRelevance <= 1)) {
      throw new IllegalArgumentException("min-relevance must be in [0, 1] (relevance is graded in [0, 1]), got "
          + minRelevance);
    }
    relabelValid = relabelValid == null ? Boolean.FALSE : relabelValid;
    excludeSeen = excludeSeen == null ? Boolean.FALSE : excludeSeen;
  }

  /** All defaults: no relabelling. */
  public static RelatedTemporalConfig defaults() {
    return new RelatedTemporalConfig(null, null, null, null, null, null, null);
  }
}
