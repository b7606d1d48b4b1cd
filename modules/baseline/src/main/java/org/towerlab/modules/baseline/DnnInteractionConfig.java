package org.towerlab.modules.baseline;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param hidden hidden layer widths of the pair MLP; default [64, 32]
 * @param dropout dropout after each hidden layer while training; default 0
 * @param chunk pairs scored per MLP call in {@code scoreAll} (bounds memory); default 65536
 */
public record DnnInteractionConfig(List<Integer> hidden, Double dropout, Integer chunk)
    implements ComponentConfig.Interaction {

  public DnnInteractionConfig {
    hidden = hidden == null ? List.of(64, 32) : List.copyOf(hidden);
    for (Integer h : hidden) {
      if (h == null || h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
    dropout = dropout == null ? 0.0 : dropout;
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    chunk = chunk == null ? 65536 : chunk;
    if (chunk <= 0) {
      throw new IllegalArgumentException("chunk must be positive, got " + chunk);
    }
  }
}
