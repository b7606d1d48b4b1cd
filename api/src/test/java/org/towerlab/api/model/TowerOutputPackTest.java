package org.towerlab.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TowerOutputPackTest {
  @Test
  void unpacked_ofPacked_givesBackEveryPart() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray e = m.ones(new Shape(2, 4));
      NDArray h = m.zeros(new Shape(2, 2, 2));
      NDArray l0 = m.ones(new Shape(2, 3));
      NDArray l1 = m.zeros(new Shape(2, 3));
      NDArray x = m.ones(new Shape(2));
      TowerOutput base = new TowerOutput(e, h, List.of(l0, l1), null, Map.of("gate", x));
      TowerOutput wrapper = new TowerOutput(m.zeros(new Shape(2, 1)), null, null, null, base.packed("w.base."));
      TowerOutput back = TowerOutput.unpacked(wrapper, "w.base.");
      assertThat(back.embedding()).isSameAs(e);
      assertThat(back.heads()).isSameAs(h);
      assertThat(back.layers()).containsExactly(l0, l1);
      assertThat(back.codes()).isNull();
      assertThat(back.extras()).containsOnlyKeys("gate").containsEntry("gate", x);
      assertThat(TowerOutput.unpacked(base, "w.base.")).isSameAs(base);
    }
  }
}
