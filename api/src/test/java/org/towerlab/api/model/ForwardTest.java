package org.towerlab.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Tensors;

class ForwardTest {
  @Test
  void derived_inTraining_computedOncePerArrayAndKey() {
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = new Forward(m, true, new SplittableRandom(1), 0, 0);
      NDArray x = Tensors.create(m, new float[] {1, 2});
      NDArray y = Tensors.create(m, new float[] {1, 2});
      AtomicInteger calls = new AtomicInteger();
      NDArray a = fwd.derived("k", x, doubled(calls));
      NDArray b = fwd.derived("k", x, doubled(calls));
      assertThat(b).isSameAs(a);
      assertThat(calls).hasValue(1);
      // another array with equal values, or another key, is computed again
      fwd.derived("k", y, doubled(calls));
      fwd.derived("other", x, doubled(calls));
      assertThat(calls).hasValue(3);
    }
  }

  @Test
  void derived_outsideTraining_computedEveryTime() {
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = Forward.inference(m);
      NDArray x = Tensors.create(m, new float[] {1, 2});
      AtomicInteger calls = new AtomicInteger();
      fwd.derived("k", x, doubled(calls));
      fwd.derived("k", x, doubled(calls));
      assertThat(calls).hasValue(2);
    }
  }

  /** {@code 2 x}, counting its calls. */
  private static UnaryOperator<NDArray> doubled(AtomicInteger calls) {
    return v -> {
      calls.incrementAndGet();
      return v.mul(2);
    };
  }
}
