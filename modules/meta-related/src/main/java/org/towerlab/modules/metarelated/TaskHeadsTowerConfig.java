package org.towerlab.modules.metarelated;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link TaskHeadsTower}.
 *
 * @param base the tower whose output vector the two heads read (mlp, dat, hit, ...); required
 * @param headDim the width d of each head; default 32
 * @param normalize whether each head is L2-normalized (the interaction then scores cosines over a
 *     temperature); default true
 */
public record TaskHeadsTowerConfig(ComponentConfig.Tower base, Integer headDim, Boolean normalize)
    implements ComponentConfig.Tower {

  public TaskHeadsTowerConfig {
    if (base == null) {
      throw new IllegalArgumentException("task-heads needs base: the tower the heads read, for example {type: mlp}");
    }
    headDim = headDim == null ? 32 : headDim;
    if (headDim <= 0) {
      throw new IllegalArgumentException("head-dim must be positive, got " + headDim);
    }
    normalize = normalize == null ? Boolean.TRUE : normalize;
  }
}
