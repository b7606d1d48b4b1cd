package org.towerlab.modules.rankflow;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param alpha weight of the rank term; {@code 1 - alpha} weighs the MSE term; default 0.5 (the
 *     official ML-1M config for the pre-ranker; 0.9 on Tmall, 0.2 for the recall stage on ML-1M)
 * @param topK k, the teacher's top of each list that the rank term separates from the rest;
 *     default 10 (the official code's k: the teacher stage's output size)
 * @param useLogit compare logits instead of sigmoid outputs; default false (the shipped configs)
 */
public record RankflowTutorLossConfig(Double alpha, Integer topK, Boolean useLogit) implements ComponentConfig.Loss {

  public RankflowTutorLossConfig {
    alpha = alpha == null ? 0.5 : alpha;
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    }
    topK = topK == null ? 10 : topK;
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
    }
    useLogit = useLogit == null ? Boolean.FALSE : useLogit;
  }
}
