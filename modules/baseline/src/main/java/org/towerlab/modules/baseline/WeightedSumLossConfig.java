package org.towerlab.modules.baseline;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param terms the losses to combine, each with a fixed weight
 * @param uncertainty learn the weights instead (Kendall, Gal and Cipolla, "Multi-Task Learning Using
 *     Uncertainty to Weigh Losses", CVPR 2018): {@code sum_i exp(-s_i) w_i L_i + s_i} with one
 *     learned log-variance {@code s_i} per term, initialized at 0; the fixed weights still scale
 *     the terms
 */
public record WeightedSumLossConfig(List<Term> terms, Boolean uncertainty) implements ComponentConfig.Loss {

  /** One term: a loss and its weight (default 1). */
  public record Term(ComponentConfig.Loss loss, Double weight) {
    public Term {
      if (loss == null) {
        throw new IllegalArgumentException("a weighted-sum term needs a loss, got " + loss);
      }
      weight = weight == null ? 1.0 : weight;
      if (weight < 0) {
        throw new IllegalArgumentException("term weights must be >= 0, got " + weight);
      }
    }
  }

  public WeightedSumLossConfig {
    if (terms == null || terms.isEmpty()) {
      throw new IllegalArgumentException("weighted-sum needs at least one term, got " + terms);
    }
    terms = List.copyOf(terms);
    uncertainty = uncertainty == null ? false : uncertainty;
  }
}
