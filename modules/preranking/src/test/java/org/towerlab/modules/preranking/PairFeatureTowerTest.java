package org.towerlab.modules.preranking;

import java.util.List;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Tower;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TowerContract;

/** The three-tower model's towers: a wrapped tower plus the pair counts (queries) or the item keys. */
class PairFeatureTowerTest extends TowerContract {
  @Override
  protected Split split() {
    return FieldsTowerTest.withPairCounts();
  }

  @Override
  protected Tower newTower(Side side) {
    PairFeatureTower t = new PairFeatureTower(KitTower.allFields(4), side);
    t.inputs(List.of(new PairInput("category-counts", "category", 3, false)));
    return t;
  }
}
