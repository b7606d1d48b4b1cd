package org.towerlab.modules.metarelated;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link MultiTaskLoss}.
 *
 * @param engagement the engagement loss on the primary (engagement-head) scores, for example
 *     {@code {type: sampled-softmax}}; required
 * @param relevanceWeight lambda in {@code L = L_engagement + lambda L_relevance}; default 1 [I]
 * @param relevanceLabel the graded relevance label of the rows; default {@code relevance}
 * @param pairs which pairs the relevance head is trained on: {@code in-batch} (default: every
 *     query of the batch against every row's item, targets from the data set's relevance rule) or
 *     {@code rows} (each row's own pair, target = its relevance label)
 * @param relevanceScale the logit {@code scale * cos(q_r, i_r)} of the relevance head's BCE;
 *     default 5
 */
public record MultiTaskLossConfig(ComponentConfig.Loss engagement, Double relevanceWeight, String relevanceLabel,
    String pairs, Double relevanceScale) implements ComponentConfig.Loss {

  public MultiTaskLossConfig {
    if (engagement == null) {
      throw new IllegalArgumentException("meta-multitask needs engagement: the engagement loss, for example"
          + " {type: sampled-softmax}");
    }
    relevanceWeight = relevanceWeight == null ? 1.0 : relevanceWeight;
    if (!(relevanceWeight >= 0) || !Double.isFinite(relevanceWeight)) {
      throw new IllegalArgumentException("relevance-weight must be a number >= 0, got " + relevanceWeight);
    }
    relevanceLabel = relevanceLabel == null || relevanceLabel.isBlank() ? CoEngagement.RELEVANCE : relevanceLabel;
    pairs = pairs == null ? "in-batch" : pairs;
    if (!pairs.equals("in-batch") && !pairs.equals("rows")) {
      throw new IllegalArgumentException("pairs must be in-batch or rows, got '" + pairs + "'");
    }
    relevanceScale = relevanceScale == null ? 5.0 : relevanceScale;
    if (!(relevanceScale > 0) || !Double.isFinite(relevanceScale)) {
      throw new IllegalArgumentException("relevance-scale must be positive, got " + relevanceScale);
    }
  }
}
