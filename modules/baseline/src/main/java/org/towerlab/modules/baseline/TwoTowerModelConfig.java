package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/**
 * @param queryTower the query tower (default: {@code mlp} over every query field)
 * @param itemTower the item tower (default: {@code mlp} over every item field)
 * @param interaction how the towers' outputs are scored (default: {@code cosine}, temperature 0.05)
 */
public record TwoTowerModelConfig(ComponentConfig.Tower queryTower, ComponentConfig.Tower itemTower,
    ComponentConfig.Interaction interaction) implements ComponentConfig.Model {
  public TwoTowerModelConfig {
    queryTower = queryTower == null ? new MlpTowerConfig(null, null, null, null, null, null) : queryTower;
    itemTower = itemTower == null ? new MlpTowerConfig(null, null, null, null, null, null) : itemTower;
    interaction = interaction == null ? new CosineInteractionConfig(null) : interaction;
  }
}
