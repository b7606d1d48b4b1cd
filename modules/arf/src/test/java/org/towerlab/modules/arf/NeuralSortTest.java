package org.towerlab.modules.arf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Tensors;

/** NeuralSort's invariants (guide section 3 (f) 1-4), through values and gradients. */
class NeuralSortTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray scores(float[] v, int b, int len) {
    return Tensors.create(manager, v, new Shape(b, len));
  }

  /** Distinct scores with gaps of at least 0.1, shuffled. */
  private static float[] distinct(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (0.1 * i + 0.05 * rng.nextDouble()) * (i % 2 == 0 ? 1 : -1);
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }

  private static float[] softmax(double... x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double z = 0;
    for (double v : x) {
      z += Math.exp(v - max);
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (Math.exp(x[i] - max) / z);
    }
    return out;
  }

  @Test
  void relax_threeScoresAtTemperatureOne_matchesHandComputedRows() {
    // s = (3, 1, 2): A_s 1 = (0+2+1, 2+0+1, 1+1+0) = (3, 3, 2); rank coefficients n + 1 - 2i = 2, 0, -2
    // row 1: 2s - A1 = (3, -1, 2); row 2: -A1 = (-3, -3, -2); row 3: -2s - A1 = (-9, -5, -6)
    float[] p = NeuralSort.permutation(scores(new float[] {3, 1, 2}, 1, 3), null, 1f, manager).toFloatArray();

    float[] expected = new float[9];
    System.arraycopy(softmax(3, -1, 2), 0, expected, 0, 3);
    System.arraycopy(softmax(-3, -3, -2), 0, expected, 3, 3);
    System.arraycopy(softmax(-9, -5, -6), 0, expected, 6, 3);
    assertThat(p).containsExactly(expected, within(1e-6f));
  }

  @Test
  void relax_maskedLists_validRowsSumToOneAndPaddingIsZero() {
    int b = 4;
    int len = 7;
    int[] sizes = {7, 5, 2, 1};
    float[] s = distinct(b * len, 3);
    float[] mask = new float[b * len];
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < sizes[r]; j++) {
        mask[r * len + j] = 1f;
      }
    }
    NeuralSort.Relaxed relaxed = NeuralSort.relax(scores(s, b, len), scores(mask, b, len), 1f, manager);
    float[] p = relaxed.p().toFloatArray();

    assertThat(relaxed.sizes()).containsExactly(sizes);
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < len; i++) {
        float rowSum = 0;
        for (int j = 0; j < len; j++) {
          float v = p[(r * len + i) * len + j];
          rowSum += v;
          if (j >= sizes[r]) {
            assertThat(v).as("padded column %d of list %d, rank %d", j, r, i).isZero();
          }
        }
        assertThat(rowSum).as("row %d of list %d", i, r).isCloseTo(i < sizes[r] ? 1f : 0f, within(1e-5f));
      }
    }
  }

  @Test
  void relax_maskedList_equalsNeuralSortOfItsFilledSlotsAlone() {
    float[] s = {0.7f, -1.2f, 2.5f, 0.1f, 9f, -9f};
    float[] mask = {1, 1, 1, 1, 0, 0};
    float[] padded = NeuralSort.permutation(scores(s, 1, 6), scores(mask, 1, 6), 0.5f, manager).toFloatArray();
    float[] alone = NeuralSort.permutation(scores(new float[] {0.7f, -1.2f, 2.5f, 0.1f}, 1, 4), null, 0.5f, manager)
        .toFloatArray();

    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertThat(padded[i * 6 + j]).isCloseTo(alone[i * 4 + j], within(1e-6f));
      }
    }
  }

  @Test
  void relax_temperatureToZero_isTheHardSort() {
    int n = 9;
    float[] s = distinct(n, 11);
    float[] p = NeuralSort.permutation(scores(s, 1, n), null, 1e-3f, manager).toFloatArray();

    Integer[] desc = new Integer[n];
    for (int i = 0; i < n; i++) {
      desc[i] = i;
    }
    java.util.Arrays.sort(desc, (a, c) -> Float.compare(s[c], s[a]));
    float[] sorted = new float[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(p[i * n + j]).as("P[%d, %d]", i, j).isCloseTo(j == desc[i] ? 1f : 0f, within(1e-5f));
        sorted[i] += p[i * n + j] * s[j];
      }
    }
    // P_hard s = sort(s, descending)
    for (int i = 0; i < n; i++) {
      assertThat(sorted[i]).isCloseTo(s[desc[i]], within(1e-4f));
    }
  }

  @Test
  void relax_anyTemperatureWithoutTies_rowArgmaxIsTheArgsort() {
    int n = 12;
    float[] s = distinct(n, 5);
    Integer[] desc = new Integer[n];
    for (int i = 0; i < n; i++) {
      desc[i] = i;
    }
    java.util.Arrays.sort(desc, (a, c) -> Float.compare(s[c], s[a]));
    for (float tau : new float[] {0.01f, 0.1f, 1f, 10f, 100f, 1000f}) {
      float[] p = NeuralSort.permutation(scores(s, 1, n), null, tau, manager).toFloatArray();
      for (int i = 0; i < n; i++) {
        int arg = 0;
        for (int j = 1; j < n; j++) {
          if (p[i * n + j] > p[i * n + arg]) {
            arg = j;
          }
        }
        assertThat(arg).as("argmax of row %d at tau %s", i, tau).isEqualTo(desc[i]);
      }
    }
  }

  @Test
  void relax_shiftedScores_sameMatrix() {
    float[] s = distinct(16, 7);
    float[] mask = new float[16];
    java.util.Arrays.fill(mask, 0, 13, 1f);
    float[] shifted = s.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += 3.5f;
    }
    float[] a = NeuralSort.permutation(scores(s, 2, 8), scores(mask, 2, 8), 0.7f, manager).toFloatArray();
    float[] b = NeuralSort.permutation(scores(shifted, 2, 8), scores(mask, 2, 8), 0.7f, manager).toFloatArray();

    assertThat(b).containsExactly(a, within(1e-5f));
  }

  @Test
  void relax_scaledScores_equalTheTemperatureDivided() {
    float[] s = distinct(10, 9);
    float alpha = 4f;
    float[] scaled = s.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= alpha;
    }
    // P(alpha s, tau) = P(s, tau / alpha)
    float[] a = NeuralSort.permutation(scores(scaled, 1, 10), null, 2f, manager).toFloatArray();
    float[] b = NeuralSort.permutation(scores(s, 1, 10), null, 2f / alpha, manager).toFloatArray();

    assertThat(a).containsExactly(b, within(1e-5f));
  }

  @Test
  void relax_paddedSlots_getExactlyZeroGradient() {
    int b = 2;
    int len = 6;
    float[] s = distinct(b * len, 13);
    float[] mask = {1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0};
    NDArray x = scores(s, b, len);
    x.setRequiresGradient(true);
    float[] w = new float[b * len * len];
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rng.nextGaussian();
    }
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NeuralSort.Relaxed r = NeuralSort.relax(x, scores(mask, b, len), 0.5f, manager);
      NDArray weights = Tensors.create(manager, w, new Shape(b, len, len));
      // both outputs: the matrix and its log-softmax on the valid rows
      NDArray f = r.p().mul(weights).sum().add(r.logP().mul(r.p().stopGradient()).sum());
      gc.backward(f);
    }
    float[] g = x.getGradient().toFloatArray();

    for (int i = 0; i < g.length; i++) {
      if (mask[i] == 0) {
        assertThat(g[i]).as("gradient of padded slot %d", i).isZero();
      } else {
        assertThat(g[i]).as("gradient of filled slot %d", i).isFinite().isNotZero();
      }
    }
  }

  @Test
  void relax_nonPositiveTemperature_throwsWithTheValue() {
    assertThatThrownBy(() -> NeuralSort.relax(scores(new float[] {1, 2}, 1, 2), null, 0f, manager))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.0");
  }
}
