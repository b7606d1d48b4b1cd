package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param logqCorrection subtract each candidate's log sampling probability from its logit (Yi et
 *     al. 2019), so that items over-represented among the negatives are not over-penalized.
 *     Accidental hits (a negative column holding the row's own positive) are always masked.
 */
public record SampledSoftmaxLossConfig(Boolean logqCorrection) implements ComponentConfig.Loss {
  public SampledSoftmaxLossConfig {
    logqCorrection = logqCorrection == null ? true : logqCorrection;
  }
}
