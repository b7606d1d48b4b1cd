package org.towerlab.modules.arf;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link ArfLoss} ({@code arf}): the {@link ArfRelaxLossConfig} keys, plus how
 * {@code L_Global} is weighted.
 *
 * @param k size of the label's top set; default 5
 * @param m the model's top-m; default 10; lists must be longer
 * @param temperature NeuralSort temperature on the list scores; default 1.0
 * @param reduction {@code mean} (reference code) or {@code sum} for {@code L_Relax}; default mean
 * @param columnNormalize ARF-v2 column normalization of {@code L_Relax}; default false
 * @param complement ARF-v2 complementary term of {@code L_Relax}; default false
 * @param relevantOnly only slots with a label above 0 can be targets; default true
 * @param epsilon added inside the logarithms of {@code L_Relax}; default 1e-6
 * @param globalTies how {@code L_Global} targets equal labels: {@code group} or {@code break} (see
 *     {@link ArfGlobalLossConfig#ties()}); default group
 * @param weighting {@code uncertainty} ({@code L_Relax + exp(-s)/2 L_Global + s/2} with a learned
 *     {@code s = log sigma^2}, the reference code's form) or {@code fixed}
 *     ({@code L_Relax + global-weight L_Global}); default uncertainty
 * @param globalWeight the weight of {@code L_Global} when {@code weighting: fixed}; default 1.0
 * @param initLogVariance the initial {@code s = log sigma^2}; default 0 ({@code sigma = 1}, the
 *     reference code's initial value)
 */
public record ArfLossConfig(Integer k, Integer m, Double temperature, String reduction, Boolean columnNormalize,
    Boolean complement, Boolean relevantOnly, Double epsilon, String globalTies, String weighting, Double globalWeight,
    Double initLogVariance) implements ComponentConfig.Loss {

  public ArfLossConfig {
    k = k == null ? 5 : k;
    m = m == null ? 10 : m;
    temperature = temperature == null ? 1.0 : temperature;
    reduction = reduction == null ? "mean" : reduction;
    columnNormalize = columnNormalize == null ? Boolean.FALSE : columnNormalize;
    complement = complement == null ? Boolean.FALSE : complement;
    relevantOnly = relevantOnly == null ? Boolean.TRUE : relevantOnly;
    epsilon = epsilon == null ? 1e-6 : epsilon;
    ArfRelaxLossConfig.checkRelax(k, m, temperature, reduction, columnNormalize, complement, epsilon);
    globalTies = globalTies == null ? "group" : globalTies;
    ArfGlobalLossConfig.checkTies("global-ties", globalTies);
    weighting = weighting == null ? "uncertainty" : weighting;
    if (!weighting.equals("uncertainty") && !weighting.equals("fixed")) {
      throw new IllegalArgumentException("weighting must be uncertainty or fixed, got '" + weighting + "'");
    }
    globalWeight = globalWeight == null ? 1.0 : globalWeight;
    if (!(globalWeight >= 0) || Double.isInfinite(globalWeight)) {
      throw new IllegalArgumentException("global-weight must be >= 0 and finite, got " + globalWeight);
    }
    initLogVariance = initLogVariance == null ? 0.0 : initLogVariance;
    if (!Double.isFinite(initLogVariance) || Math.abs(initLogVariance) > 20) {
      throw new IllegalArgumentException("init-log-variance must be in [-20, 20], got " + initLogVariance);
    }
  }

  ArfRelaxLossConfig relax() {
    return new ArfRelaxLossConfig(k, m, temperature, reduction, columnNormalize, complement, relevantOnly, epsilon);
  }
}
