package org.towerlab.modules.metarelated;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link TaskHeadsInteraction}.
 *
 * @param engagementTemperature tau of the engagement score {@code <q_e, i_e> / tau}; default 0.1
 *     (the baseline cosine two-tower's)
 * @param relevanceTemperature tau of the relevance score; default 0.1
 * @param blend beta of an extra task {@code blend = s_engagement + beta s_relevance} (a serving-time
 *     fusion evaluators can rank by with {@code task: blend}); default 0 = no blend task
 */
public record TaskHeadsInteractionConfig(Double engagementTemperature, Double relevanceTemperature, Double blend)
    implements ComponentConfig.Interaction {

  public TaskHeadsInteractionConfig {
    engagementTemperature = engagementTemperature == null ? 0.1 : engagementTemperature;
    relevanceTemperature = relevanceTemperature == null ? 0.1 : relevanceTemperature;
    if (!(engagementTemperature > 0) || !(relevanceTemperature > 0)) {
      throw new IllegalArgumentException("temperatures must be positive, got engagement-temperature "
          + engagementTemperature + " and relevance-temperature " + relevanceTemperature);
    }
    blend = blend == null ? 0.0 : blend;
    if (!(blend >= 0) || !Double.isFinite(blend)) {
      throw new IllegalArgumentException("blend must be a number >= 0, got " + blend);
    }
  }
}
