package org.towerlab.modules.baseline;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param of the samplers to mix (for example {@code [{type: in-batch}, {type: exposure,
 *     num-negatives: 4}, {type: uniform, num-negatives: 64, shared: true}]})
 * @param logq whether to correct every candidate by the mixture's log density; default true
 */
public record MixSamplerConfig(List<ComponentConfig.Sampler> of, Boolean logq) implements ComponentConfig.Sampler {
  public MixSamplerConfig {
    if (of == null || of.isEmpty()) {
      throw new IllegalArgumentException("mix needs at least one sampler in 'of', got " + of);
    }
    of = List.copyOf(of);
    logq = logq == null ? true : logq;
  }
}
