package org.towerlab.modules.preranking;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.TowerContract;

class FieldsTowerTest extends TowerContract {
  /** TinyData with a pair field on the query side, so that every field kind is embedded. */
  static Split withPairCounts() {
    Split s = TinyData.split();
    return new Split(s.protocol(), Map.of(), s.dataset().withPairCounts(List.of("category"), "data.pair-counts"),
        s.train(), s.valid(), s.test(), s.logged(), "positive");
  }

  @Override
  protected Split split() {
    return withPairCounts();
  }

  @Override
  protected Tower newTower(Side side) {
    return new FieldsTower(new FieldsTowerConfig(null, 3, null), "$.model.tower");
  }

  @Test
  void encode_everyField_oneHeadPerFieldAndTheirConcatenation() {
    try (NDManager m = NDManager.newBaseManager()) {
      FieldsTower tower = new FieldsTower(new FieldsTowerConfig(List.of("id", "age", "category-counts"), 3, null),
          "$.model.query-tower");
      tower.initialize(new TestParams(m, 1).tower(split(), Side.QUERY));
      TowerOutput out = tower.encode(Batches.of(split()).build(Side.QUERY, new long[] {0, 2}, m),
          Forwards.inference(m));

      assertThat(tower.outputDim()).isEqualTo(9);
      assertThat(out.embedding().getShape()).isEqualTo(new Shape(2, 9));
      assertThat(out.heads().getShape()).isEqualTo(new Shape(2, 3, 3));
      assertThat(out.heads().reshape(2, 9).toFloatArray()).containsExactly(out.embedding().toFloatArray());
    }
  }
}
