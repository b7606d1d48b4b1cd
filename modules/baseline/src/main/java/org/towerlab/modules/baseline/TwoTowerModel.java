package org.towerlab.modules.baseline;

import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;

/** A query tower and an item tower scored by an interaction: the model every paper module extends. */
public final class TwoTowerModel implements Model {
  private final Tower queryTower;
  private final Tower itemTower;
  private final Interaction interaction;

  public TwoTowerModel(Tower queryTower, Tower itemTower, Interaction interaction) {
    this.queryTower = queryTower;
    this.itemTower = itemTower;
    this.interaction = interaction;
  }

  @Override
  public Tower queryTower() {
    return queryTower;
  }

  @Override
  public Tower itemTower() {
    return itemTower;
  }

  @Override
  public Interaction interaction() {
    return interaction;
  }
}
