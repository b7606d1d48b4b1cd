package org.towerlab.modules.gnolr;

import java.util.HashSet;
import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of {@link GnolrInteraction}.
 *
 * @param levels the level (task) names, shallowest first; one per tower head. They name the tasks
 *     evaluators rank by ({@code task: like}) and the key segments of their metrics, so they carry
 *     no {@code /} or {@code @}. Default {@code [click, like, share]}
 * @param scales {@code S_k}, one per level, as the loss's: the level-k score is the nested logit
 *     {@code z_k = sum_{i<=k} S_i c_i}. Default all 1: {@code sum_{i<=k} c_i}, which ranks exactly
 *     as {@code z_k} whenever the loss's scales are all equal (the {@code gnolr} loss refuses other
 *     combinations)
 */
public record GnolrInteractionConfig(List<String> levels, List<Double> scales)
    implements ComponentConfig.Interaction {

  public GnolrInteractionConfig {
    levels = levels == null ? List.of("click", "like", "share") : List.copyOf(levels);
    if (levels.isEmpty()) {
      throw new IllegalArgumentException("levels must name at least one level, got " + levels);
    }
    for (String l : levels) {
      if (l == null || l.isBlank() || l.contains("/") || l.contains("@") || !l.strip().equals(l)) {
        throw new IllegalArgumentException("levels must be names without '/', '@' or spaces at the ends, got "
            + levels);
      }
    }
    if (new HashSet<>(levels).size() != levels.size()) {
      throw new IllegalArgumentException("levels must be distinct, got " + levels);
    }
    if (scales != null) {
      scales = List.copyOf(scales);
      if (scales.size() != levels.size()) {
        throw new IllegalArgumentException("scales needs one value per level (" + levels.size() + "), got " + scales);
      }
      for (Double s : scales) {
        if (s == null || !Double.isFinite(s) || s <= 0) {
          throw new IllegalArgumentException("scales must be positive and finite, got " + scales);
        }
      }
    }
  }

  /** The scales in effect (all 1 when none are set). */
  public List<Double> effectiveScales() {
    return scales != null ? scales : java.util.Collections.nCopies(levels.size(), 1.0);
  }
}
