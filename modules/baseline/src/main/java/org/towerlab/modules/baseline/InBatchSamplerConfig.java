package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param logq whether to report each in-batch candidate's log sampling probability (its training
 *     frequency), so that a loss can apply the logQ correction of Yi et al. (2019)
 */
public record InBatchSamplerConfig(Boolean logq) implements ComponentConfig.Sampler {
  public InBatchSamplerConfig {
    logq = logq == null ? true : logq;
  }
}
