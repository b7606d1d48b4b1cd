package org.towerlab.modules.metarelated;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link PopularityIpwLoss}.
 *
 * @param loss the loss to weight (any loss whose reduction is {@code LossInput.weightedMean}:
 *     sampled-softmax, bce, bpr, hinge, gnolr, ...); required
 * @param beta the strength {@code beta >= 0} of {@code w = clip(p^-beta)}; 0 gives the unweighted
 *     loss; default 0.5 [I]
 * @param minWeight the lower clip {@code w_min > 0}; default 0.1 [I]
 * @param maxWeight the upper clip {@code w_max >= w_min}; default 10 [I]
 * @param propensity what the popularity propensity counts in the training part: {@code engagement}
 *     (the training positives holding the item, default) or {@code impression} (the shown logged
 *     training rows holding it; needs logged rows)
 */
public record PopularityIpwLossConfig(ComponentConfig.Loss loss, Double beta, Double minWeight, Double maxWeight,
    String propensity) implements ComponentConfig.Loss {

  public PopularityIpwLossConfig {
    if (loss == null) {
      throw new IllegalArgumentException("popularity-ipw needs loss: the loss it weights, for example"
          + " {type: sampled-softmax}");
    }
    beta = beta == null ? 0.5 : beta;
    if (!(beta >= 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("beta must be a number >= 0, got " + beta);
    }
    minWeight = minWeight == null ? 0.1 : minWeight;
    maxWeight = maxWeight == null ? 10.0 : maxWeight;
    if (!(minWeight > 0) || !Double.isFinite(maxWeight) || !(maxWeight >= minWeight)) {
      throw new IllegalArgumentException("need 0 < min-weight <= max-weight < infinity, got min-weight " + minWeight
          + " and max-weight " + maxWeight);
    }
    propensity = propensity == null ? "engagement" : propensity;
    if (!propensity.equals("engagement") && !propensity.equals("impression")) {
      throw new IllegalArgumentException("propensity must be engagement or impression, got '" + propensity + "'");
    }
  }
}
