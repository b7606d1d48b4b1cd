package org.towerlab.modules.preranking;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param queryTower the query tower of the two-tower part (required)
 * @param itemTower the item tower of the two-tower part (required)
 * @param interaction how the two towers are scored (required; its score is the first term)
 * @param pairFields the query-side pair fields ({@code data.pair-counts}) the third tower reads;
 *     default null = every pair field of the data set
 * @param hidden hidden widths of the third (cross) tower's MLP; default [16]
 */
public record ThreeTowerModelConfig(ComponentConfig.Tower queryTower, ComponentConfig.Tower itemTower,
    ComponentConfig.Interaction interaction, List<String> pairFields, List<Integer> hidden)
    implements ComponentConfig.Model {

  public ThreeTowerModelConfig {
    if (queryTower == null || itemTower == null || interaction == null) {
      throw new IllegalArgumentException("the three-tower model needs query-tower, item-tower and interaction (the"
          + " two-tower part)");
    }
    pairFields = pairFields == null ? null : List.copyOf(pairFields);
    if (pairFields != null && pairFields.isEmpty()) {
      throw new IllegalArgumentException("pair-fields is empty; leave it out to use every pair field of the data set");
    }
    hidden = hidden == null ? List.of(16) : List.copyOf(hidden);
    for (Integer h : hidden) {
      if (h == null || h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
  }
}
