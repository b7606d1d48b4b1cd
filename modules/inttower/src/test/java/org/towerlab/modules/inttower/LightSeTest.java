package org.towerlab.modules.inttower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

class LightSeTest {
  private static final int N = 5;
  private static final int F = 3;
  private static final int K = 4;

  private NDManager root;
  private LightSe lightSe;
  private NDArray e;
  private float[] ev;

  @BeforeEach
  void setUp() {
    root = NDManager.newBaseManager();
    lightSe = new LightSe(new Params(root, new SplittableRandom(3)), F);
    SplittableRandom rng = new SplittableRandom(9);
    ev = new float[N * F * K];
    for (int i = 0; i < ev.length; i++) {
      ev[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    e = Tensors.create(root, ev, new Shape(N, F, K));
  }

  @AfterEach
  void tearDown() {
    root.close();
  }

  @Test
  void weights_randomEmbeddings_sumToOneOverFieldsPerSample() {
    float[] a = lightSe.weights(e).toFloatArray();
    for (int n = 0; n < N; n++) {
      double sum = 0;
      for (int f = 0; f < F; f++) {
        assertThat(a[n * F + f]).isBetween(0f, 1f);
        sum += a[n * F + f];
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void forward_randomEmbeddings_scalesEachFieldByOnePlusItsWeightInEveryDimension() {
    float[] a = lightSe.weights(e).toFloatArray();
    float[] out = lightSe.forward(e).toFloatArray();
    for (int n = 0; n < N; n++) {
      for (int f = 0; f < F; f++) {
        for (int k = 0; k < K; k++) {
          int at = (n * F + f) * K + k;
          // out / in is the same for every k: 1 + a_f (checked as out = (1 + a_f) in, which also holds for in = 0)
          assertThat(out[at]).isCloseTo((1 + a[n * F + f]) * ev[at], within(1e-5f));
        }
      }
    }
  }

  @Test
  void forward_zeroExcitation_givesOnePlusOneOverFTimesTheInput() {
    lightSe.weight().subi(lightSe.weight()); // W = 0
    float[] out = lightSe.forward(e).toFloatArray();
    for (int i = 0; i < ev.length; i++) {
      assertThat(out[i]).isCloseTo((1f + 1f / F) * ev[i], within(1e-6f));
    }
  }

  @Test
  void forward_handCheckedTwoFields() {
    try (NDManager m = root.newSubManager()) {
      LightSe two = new LightSe(new Params(m, new SplittableRandom(1)), 2);
      two.weight().set(new float[] {1f, 0f, 0f, 2f}); // W = diag(1, 2)
      // field means z = (1, -0.5); z W = (1, -1); a = softmax(1, -1) = (0.880797, 0.119203)
      NDArray x = Tensors.create(m, new float[] {0f, 2f, -1f, 0f}, new Shape(1, 2, 2));
      float[] out = two.forward(x).toFloatArray();
      assertThat(out).containsExactly(new float[] {0f, 3.761594f, -1.119203f, 0f}, within(1e-5f));
    }
  }

  @Test
  void forward_wrongFieldCount_throwsNamingTheShape() {
    NDArray wrong = root.zeros(new Shape(2, F + 1, K));
    assertThatThrownBy(() -> lightSe.forward(wrong)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(2, 4, 4)");
  }
}
