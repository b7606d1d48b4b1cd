package org.towerlab.modules.preranking;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param hidden hidden widths of the pair MLP; default [128, 64] (RankFlow's COLD config)
 * @param dropout dropout after each hidden layer while training; default 0
 * @param fieldDim width of one field in the towers' outputs ({@code fields} towers: their
 *     {@code embedding-dim}); each side's output is cut into fields of this width; default null =
 *     each side's whole output is one field
 * @param se Squeeze-and-Excitation gating of the fields (COLD's feature-importance block); default
 *     true
 * @param cross append the inner products of every pair of fields (both sides' fields together:
 *     {@code F(F-1)/2} cross features, as RankFlow's COLD); needs fields of one width; default true
 * @param chunk pairs scored per network call in {@code scoreAll} (bounds memory); default 65536
 */
public record ColdInteractionConfig(List<Integer> hidden, Double dropout, Integer fieldDim, Boolean se, Boolean cross,
    Integer chunk) implements ComponentConfig.Interaction {

  public ColdInteractionConfig {
    hidden = hidden == null ? List.of(128, 64) : List.copyOf(hidden);
    for (Integer h : hidden) {
      if (h == null || h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
    dropout = dropout == null ? 0.0 : dropout;
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (fieldDim != null && fieldDim <= 0) {
      throw new IllegalArgumentException("field-dim must be positive, got " + fieldDim);
    }
    se = se == null ? Boolean.TRUE : se;
    cross = cross == null ? Boolean.TRUE : cross;
    chunk = chunk == null ? 65536 : chunk;
    if (chunk <= 0) {
      throw new IllegalArgumentException("chunk must be positive, got " + chunk);
    }
  }
}
