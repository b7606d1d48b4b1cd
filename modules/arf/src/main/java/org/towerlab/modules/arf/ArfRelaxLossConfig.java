package org.towerlab.modules.arf;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link ArfRelaxLoss} ({@code arf-relax}).
 *
 * @param k size of the label's top set whose recall is optimized; default 5
 * @param m the model's top-m that should hold it (the stage's cut-off: what it passes on);
 *     default 10; {@code m >= k}, and the lists must be longer than {@code m}
 * @param temperature NeuralSort temperature {@code tau} on the list scores; default 1.0. Only
 *     {@code score / tau} matters, so it goes with the interaction's score scale
 * @param reduction {@code mean} (the reference code: {@code 1/m} inside the log, {@code 1/L}
 *     over the slots) or {@code sum} (the sum form, 0 for a perfect hard permutation); default mean
 * @param columnNormalize ARF-v2: divide each slot's top-m mass by its total mass (stop-gradient)
 *     instead of by {@code m}; default false
 * @param complement ARF-v2: add the term that pushes the other filled slots below rank m; needs
 *     {@code column-normalize}; default false
 * @param relevantOnly only slots with a label above 0 can be targets (fewer than k relevant
 *     slots: those only); default true
 * @param epsilon added inside the logarithms; default 1e-6 (the reference code)
 */
public record ArfRelaxLossConfig(Integer k, Integer m, Double temperature, String reduction, Boolean columnNormalize,
    Boolean complement, Boolean relevantOnly, Double epsilon) implements ComponentConfig.Loss {

  public ArfRelaxLossConfig {
    k = k == null ? 5 : k;
    m = m == null ? 10 : m;
    temperature = temperature == null ? 1.0 : temperature;
    reduction = reduction == null ? "mean" : reduction;
    columnNormalize = columnNormalize == null ? Boolean.FALSE : columnNormalize;
    complement = complement == null ? Boolean.FALSE : complement;
    relevantOnly = relevantOnly == null ? Boolean.TRUE : relevantOnly;
    epsilon = epsilon == null ? 1e-6 : epsilon;
    checkRelax(k, m, temperature, reduction, columnNormalize, complement, epsilon);
  }

  static void checkRelax(int k, int m, double temperature, String reduction, boolean columnNormalize,
      boolean complement, double epsilon) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (m < k) {
      throw new IllegalArgumentException("m must be >= k (the top-m holds the top-k), got m = " + m + ", k = " + k);
    }
    ArfGlobalLossConfig.checkTemperature(temperature);
    if (!reduction.equals("mean") && !reduction.equals("sum")) {
      throw new IllegalArgumentException("reduction must be mean or sum, got '" + reduction + "'");
    }
    if (complement && !columnNormalize) {
      throw new IllegalArgumentException("complement: true needs column-normalize: true (ARF-v2 uses both), got"
          + " column-normalize: false");
    }
    if (!(epsilon > 0) || epsilon >= 1) {
      throw new IllegalArgumentException("epsilon must be in (0, 1), got " + epsilon);
    }
  }

  ArfTerms.RelaxSettings settings() {
    return new ArfTerms.RelaxSettings(m, reduction.equals("mean"), columnNormalize, complement, epsilon.floatValue());
  }
}
