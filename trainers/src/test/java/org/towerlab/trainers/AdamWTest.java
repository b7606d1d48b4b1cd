package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Tensors;

class AdamWTest {

  /** Accumulates the gradient of {@code sum(c * w)}, that is {@code c}, into {@code w}. */
  private static void backward(NDManager manager, NDArray w, float[] c) {
    try (NDManager b = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray coef = Tensors.create(b, c); // [n], the shape of w
      gc.backward(coef.mul(w).sum()); // scalar
    }
  }

  private static NDArray param(NDManager m, float... values) {
    NDArray w = Tensors.create(m, values);
    w.setRequiresGradient(true);
    return w;
  }

  @Test
  void step_firstStep_movesEachWeightByLearningRateAgainstItsGradientSign() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = param(m, 1f, -2f);
      AdamW adam = new AdamW(Map.of("w", w), m.newSubManager(), 0.1, 0.0, 0.0);
      backward(m, w, new float[] {0.5f, -1f});
      double norm = adam.step();

      assertThat(norm).isCloseTo(Math.sqrt(1.25), within(1e-6));
      // bias-corrected first step: m_hat / sqrt(v_hat) = sign(g)
      assertThat(w.toFloatArray()).containsExactly(new float[] {0.9f, -1.9f}, within(1e-5f));
      assertThat(w.getGradient().toFloatArray()).containsExactly(0f, 0f);
      assertThat(adam.steps()).isEqualTo(1);
    }
  }

  @Test
  void step_weightDecay_decoupledFromTheGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = param(m, 1f, -2f);
      AdamW adam = new AdamW(Map.of("w", w), m.newSubManager(), 0.1, 0.5, 0.0);
      backward(m, w, new float[] {0.5f, -1f});
      adam.step();

      // w - lr * wd * w - lr * sign(g) = [1 - 0.05 - 0.1, -2 + 0.1 + 0.1]
      assertThat(w.toFloatArray()).containsExactly(new float[] {0.85f, -1.8f}, within(1e-5f));
    }
  }

  @Test
  void step_clipNorm_reportsUnclippedNormAndScalesTheGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = param(m, 0f, 0f);
      AdamW adam = new AdamW(Map.of("w", w), m.newSubManager(), 0.1, 0.0, 0.5);
      backward(m, w, new float[] {3f, 4f});
      assertThat(adam.step()).isCloseTo(5.0, within(1e-6));
      // second step, gradient (0.03, 0.04) is below the threshold and not clipped. Per coordinate
      // (x = 0.3 then 0.03): m = 0.9 * 0.1 * 0.3 + 0.1 * 0.03 = 0.030, v = 0.999 * 0.001 * 0.09
      // + 0.001 * 0.0009 = 9.081e-5; w = -0.1 - 0.1 * (0.030 / 0.19) / sqrt(9.081e-5 / 0.001999)
      // = -0.17408. Without clipping (x = 3 then 0.03) it would be -0.16775.
      backward(m, w, new float[] {0.03f, 0.04f});
      assertThat(adam.step()).isCloseTo(0.05, within(1e-6));
      assertThat(w.toFloatArray()).containsExactly(new float[] {-0.17408f, -0.17408f}, within(1e-4f));
    }
  }

  @Test
  void restore_fromAnotherOptimizersState_continuesIdentically() {
    float[][] grads = {{0.5f, -1f}, {0.2f, 0.3f}, {-0.7f, 0.1f}};
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = param(m, 1f, -2f);
      AdamW adamA = new AdamW(Map.of("w", a), m.newSubManager(), 0.05, 0.01, 0.0);
      for (float[] g : grads) {
        backward(m, a, g);
        adamA.step();
      }
      NDArray b = param(m, 1f, -2f);
      AdamW adamB = new AdamW(Map.of("w", b), m.newSubManager(), 0.05, 0.01, 0.0);
      backward(m, b, grads[0]);
      adamB.step();
      // "checkpoint" B after one step, restore into a fresh optimizer C with B's weights
      NDArray c = param(m, b.toFloatArray());
      AdamW adamC = new AdamW(Map.of("w", c), m.newSubManager(), 0.05, 0.01, 0.0);
      List<float[]> moments = new ArrayList<>();
      adamB.state().forEach(x -> moments.add(x.toFloatArray()));
      adamC.restore(moments, adamB.steps());
      for (int i = 1; i < grads.length; i++) {
        backward(m, c, grads[i]);
        adamC.step();
      }
      assertThat(c.toFloatArray()).containsExactly(a.toFloatArray());
      assertThat(adamC.steps()).isEqualTo(3);
    }
  }

  /**
   * The multi-tensor update (one flat buffer for every dense parameter) against the formula in the
   * class javadoc applied per parameter in double precision: three parameters of different shapes,
   * weight decay, and clipping active at the first step only.
   */
  @Test
  void step_severalParameters_matchesPerParameterReferenceFormula() {
    float[][] init = {{0.3f, -0.2f, 0.5f, 0.1f}, {1f, -1f}, {0.05f, 0.4f, -0.6f}};
    float[][][] grads = {
        {{3f, -2f, 1f, 0.5f}, {-4f, 2f}, {1f, 1f, -3f}}, // norm 7.23: clipped to 1
        {{0.1f, 0.2f, -0.3f, 0.05f}, {0.02f, -0.01f}, {0.3f, -0.1f, 0.2f}}, // norm 0.53: not clipped
        {{-0.2f, 0.1f, 0.4f, -0.1f}, {0.05f, 0.3f}, {-0.2f, 0.1f, 0.05f}},
    };
    double lr = 0.01;
    double wd = 0.1;
    double clip = 1.0;
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (int p = 0; p < init.length; p++) {
        params.put("p" + p, param(m, init[p]));
      }
      AdamW adam = new AdamW(params, m.newSubManager(), lr, wd, clip);
      double[][] w = new double[init.length][];
      double[][] mom1 = new double[init.length][];
      double[][] mom2 = new double[init.length][];
      for (int p = 0; p < init.length; p++) {
        w[p] = new double[init[p].length];
        for (int j = 0; j < init[p].length; j++) {
          w[p][j] = init[p][j];
        }
        mom1[p] = new double[init[p].length];
        mom2[p] = new double[init[p].length];
      }
      for (int t = 1; t <= grads.length; t++) {
        double sq = 0;
        for (int p = 0; p < init.length; p++) {
          backward(m, params.get("p" + p), grads[t - 1][p]);
          for (float g : grads[t - 1][p]) {
            sq += g * g;
          }
        }
        double norm = Math.sqrt(sq);
        assertThat(adam.step()).as("norm at step %d", t).isCloseTo(norm, within(1e-5));
        double scale = norm > clip ? clip / norm : 1;
        for (int p = 0; p < init.length; p++) {
          for (int j = 0; j < w[p].length; j++) {
            double g = grads[t - 1][p][j] * scale;
            mom1[p][j] = 0.9 * mom1[p][j] + 0.1 * g;
            mom2[p][j] = 0.999 * mom2[p][j] + 0.001 * g * g;
            double update = lr * (mom1[p][j] / (1 - Math.pow(0.9, t)))
                / (Math.sqrt(mom2[p][j] / (1 - Math.pow(0.999, t))) + 1e-8);
            w[p][j] = w[p][j] - lr * wd * w[p][j] - update;
          }
        }
      }
      for (int p = 0; p < init.length; p++) {
        float[] actual = params.get("p" + p).toFloatArray();
        for (int j = 0; j < actual.length; j++) {
          assertThat((double) actual[j]).as("p%d[%d]", p, j).isCloseTo(w[p][j], within(1e-5));
        }
        assertThat(params.get("p" + p).getGradient().toFloatArray()).containsOnly(0f);
      }
    }
  }
}
