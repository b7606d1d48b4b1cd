package org.towerlab.api.testkit;

import org.towerlab.api.data.Side;
import org.towerlab.api.model.Tower;

/** The reference tower passes the tower contract (every field kind on both sides). */
class KitTowerTest extends TowerContract {
  @Override
  protected Tower newTower(Side side) {
    return KitTower.allFields(4);
  }
}
