package org.towerlab.modules.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Tower;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.api.testkit.TowerContract;

/** The MLP tower over every field kind, with a hidden layer and dropout; and the bare id embedding. */
class MlpTowerTest extends TowerContract {
  @Override
  protected Tower newTower(Side side) {
    return new MlpTower(new MlpTowerConfig(null, 4, List.of(8), 6, 0.2, null), "$.model.tower");
  }

  @Test
  void encode_idOnlyNoHiddenSameWidth_isTheBareIdEmbedding() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      MlpTower t = new MlpTower(new MlpTowerConfig(List.of("id"), 4, null, 4, null, null), "$.model.tower");
      t.initialize(params.tower(TinyData.split(), Side.ITEM));
      float[] table = params.all().get("model.item-tower.emb.id").toFloatArray(); // [6, 4]
      long[] ids = Batches.ids(5, 0, 2);
      float[] expected = new float[12];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(table, (int) ids[i] * 4, expected, i * 4, 4);
      }
      assertThatArray(t.encode(Batches.of(TinyData.split()).build(Side.ITEM, ids, m), Forwards.inference(m))
          .embedding()).hasShape(3, 4).isCloseTo(expected, Tolerance.defaults());
      assertThat(params.all().keySet()).containsExactly("model.item-tower.emb.id");
    }
  }

  /** Matrix factorization's tower passes the contract too. */
  @Nested
  class BareIdEmbedding extends TowerContract {
    @Override
    protected Tower newTower(Side side) {
      return new MlpTower(new MlpTowerConfig(List.of("id"), 4, null, 4, null, null), "$.model.tower");
    }
  }
}
