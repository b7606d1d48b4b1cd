package org.towerlab.api.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class TensorsTest {
  @Test
  void overwrite_writesEveryElementInPlace_andKeepsTheArrayAParameter() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.randomNormal(new Shape(3, 4));
      p.setRequiresGradient(true);
      float[] v = new float[12];
      for (int i = 0; i < v.length; i++) {
        v[i] = i - 5.5f;
      }
      Tensors.overwrite(p, v);
      assertThat(p.toFloatArray()).containsExactly(v);
      assertThat(p.getShape()).isEqualTo(new Shape(3, 4));
      assertThat(p.hasGradient()).isTrue();
      NDArray s = m.create(1f);
      Tensors.overwrite(s, new float[] {7f});
      assertThat(s.getFloat()).isEqualTo(7f);
    }
  }

  @Test
  void overwrite_wrongSize_refused() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.zeros(new Shape(2, 2));
      assertThatThrownBy(() -> Tensors.overwrite(p, new float[3])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("3 values").hasMessageContaining("(2, 2)");
      assertThat(p.toFloatArray()).containsOnly(0f);
    }
  }
}
