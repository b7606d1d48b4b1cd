package org.towerlab.modules.tarq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

class ResidualQuantizerTest {
  private static final int N = 20;
  private static final int D = 6;
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private ResidualQuantizer quantizer(int levels, int size, boolean ema, double threshold, double beta, double cbWeight,
      boolean sum, Params params) {
    ResidualQuantizer rq = new ResidualQuantizer(levels, size, D, ema, 0.9, 1e-5, threshold, 0.5, beta, cbWeight, sum);
    rq.initialize(params.scope("quantizer"));
    return rq;
  }

  private NDArray randomVectors(long seed) {
    return Tensors.create(manager, Init.normal(1.0).values(new Shape(N, D), new SplittableRandom(seed)),
        new Shape(N, D));
  }

  private static float[] row(float[] a, int i, int d) {
    float[] out = new float[d];
    System.arraycopy(a, i * d, out, 0, d);
    return out;
  }

  private static double dist2(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (double) (a[j] - b[j]);
    }
    return s;
  }

  @Test
  void quantize_randomVectors_codesAreTheArgminOfEachLevelsResidual() {
    Params params = new Params(manager, new SplittableRandom(1));
    ResidualQuantizer rq = quantizer(3, 5, false, 0, 0.25, 1, false, params);
    NDArray q = randomVectors(2);
    ResidualQuantizer.Quantized z = rq.quantize(q, Forward.inference(manager));
    long[] codes = z.codes().toLongArray();
    float[] residual = q.toFloatArray();
    for (int l = 0; l < 3; l++) {
      float[] c = params.all().get("quantizer.level-" + (l + 1) + ".codebook").toFloatArray();
      for (int i = 0; i < N; i++) {
        float[] r = row(residual, i, D);
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 5; k++) {
          best = Math.min(best, dist2(r, row(c, k, D)));
        }
        int chosen = (int) codes[i * 3 + l];
        assertThat(dist2(r, row(c, chosen, D))).as("row %d level %d", i, l).isCloseTo(best, within(1e-4));
        for (int j = 0; j < D; j++) {
          residual[i * D + j] -= c[chosen * D + j];
        }
      }
    }
  }

  @Test
  void quantize_quantizedEqualsSumOfChosenCodewordsAndTelescopes() {
    Params params = new Params(manager, new SplittableRandom(3));
    ResidualQuantizer rq = quantizer(3, 4, false, 0, 0.25, 1, false, params);
    NDArray q = randomVectors(4);
    ResidualQuantizer.Quantized z = rq.quantize(q, Forward.inference(manager));
    long[] codes = z.codes().toLongArray();
    float[] qhat = z.quantized().toFloatArray();
    float[] rL = z.residual().toFloatArray();
    float[] x = q.toFloatArray();
    float[][] c = new float[3][];
    for (int l = 0; l < 3; l++) {
      c[l] = params.all().get("quantizer.level-" + (l + 1) + ".codebook").toFloatArray();
    }
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        float sum = 0;
        for (int l = 0; l < 3; l++) {
          sum += c[l][(int) codes[i * 3 + l] * D + j];
        }
        assertThat(qhat[i * D + j]).isCloseTo(sum, within(1e-5f));
        // telescoping: q - sum_l C_l[z_l] == r_L
        assertThat(x[i * D + j] - qhat[i * D + j]).isCloseTo(rL[i * D + j], within(1e-5f));
      }
    }
    assertThat(z.codes().getShape()).isEqualTo(new Shape(N, 3));
  }

  @Test
  void quantize_straightThrough_forwardIsQuantizedAndGradientIsIdentity() {
    Params params = new Params(manager, new SplittableRandom(5));
    ResidualQuantizer rq = quantizer(2, 4, false, 0, 0.25, 1, false, params);
    NDArray q = randomVectors(6);
    q.setRequiresGradient(true);
    NDArray w = randomVectors(7);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      ResidualQuantizer.Quantized z = rq.quantize(q, Forward.inference(manager));
      assertThat(z.straightThrough().toFloatArray()).containsExactly(z.quantized().toFloatArray(), within(1e-5f));
      gc.backward(z.straightThrough().mul(w).sum());
    }
    assertThat(q.getGradient().toFloatArray()).containsExactly(w.toFloatArray(), within(1e-6f));
    assertThat(params.all().get("quantizer.level-1.codebook").getGradient().abs().sum().getFloat()).isZero();
  }

  @Test
  void commitment_gradientCodebook_reachesTheQueryOnlyWithTheHandValue() {
    Params params = new Params(manager, new SplittableRandom(8));
    ResidualQuantizer rq = quantizer(2, 3, false, 0, 0.25, 1, false, params);
    NDArray q = randomVectors(9);
    q.setRequiresGradient(true);
    ResidualQuantizer.Quantized z;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
      z = rq.quantize(q, fwd);
      gc.backward(fwd.auxLosses().get("tarq-commitment"));
    }
    for (int l = 1; l <= 2; l++) {
      NDArray g = params.all().get("quantizer.level-" + l + ".codebook").getGradient();
      assertThat(g.abs().sum().getFloat()).as("codebook %d", l).isZero();
    }
    // beta * mean_l mean_i sum_j (q - qhat^(l))^2  ->  d/dq = beta / L * sum_l 2 (q - qhat^(l)) / N
    float[] x = q.toFloatArray();
    float[] p1 = z.partials().get(0).toFloatArray();
    float[] p2 = z.partials().get(1).toFloatArray();
    float[] g = q.getGradient().toFloatArray();
    for (int i = 0; i < x.length; i++) {
      float expected = 0.25f / 2 * (2 * (x[i] - p1[i]) + 2 * (x[i] - p2[i])) / N;
      assertThat(g[i]).isCloseTo(expected, within(1e-6f));
    }
  }

  @Test
  void commitment_sumReduction_isLevelsTimesTheMean() {
    float[] values = new float[2];
    for (int s = 0; s < 2; s++) {
      Params params = new Params(manager, new SplittableRandom(10));
      ResidualQuantizer rq = quantizer(3, 3, false, 0, 0.25, 1, s == 1, params);
      Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
      rq.quantize(randomVectors(11), fwd);
      values[s] = fwd.auxLosses().get("tarq-commitment").getFloat();
    }
    assertThat(values[1]).isCloseTo(3 * values[0], within(1e-5f));
  }

  @Test
  void codebookTerm_gradientCodebook_reachesTheCodebookNotTheQuery() {
    Params params = new Params(manager, new SplittableRandom(12));
    ResidualQuantizer rq = quantizer(2, 3, false, 0, 0.25, 1, false, params);
    NDArray q = randomVectors(13);
    q.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
      rq.quantize(q, fwd);
      gc.backward(fwd.auxLosses().get("tarq-codebook"));
    }
    assertThat(q.getGradient().abs().sum().getFloat()).isZero();
    assertThat(params.all().get("quantizer.level-1.codebook").getGradient().abs().sum().getFloat()).isPositive();
  }

  @Test
  void commitment_emaCodebook_codebookIsABufferAndTakesNoGradient() {
    Params params = new Params(manager, new SplittableRandom(14));
    ResidualQuantizer rq = quantizer(2, 3, true, 0, 0.25, 0, false, params);
    NDArray q = randomVectors(15);
    q.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
      rq.quantize(q, fwd);
      assertThat(fwd.auxLosses()).containsOnlyKeys("tarq-commitment");
      gc.backward(fwd.auxLosses().get("tarq-commitment"));
    }
    NDArray codebook = params.all().get("quantizer.level-1.codebook");
    assertThat(codebook.hasGradient()).isFalse();
    assertThat(params.trainable()).doesNotContainKeys("quantizer.level-1.codebook", "quantizer.level-1.ema-sum",
        "quantizer.level-1.ema-count");
    assertThat(params.all()).containsKeys("quantizer.level-1.codebook", "quantizer.level-1.ema-sum",
        "quantizer.level-1.ema-count");
    assertThat(q.getGradient().abs().sum().getFloat()).isPositive();
  }

  @Test
  void ema_constantInput_codewordConvergesToIt() {
    Params params = new Params(manager, new SplittableRandom(16));
    ResidualQuantizer rq = quantizer(1, 3, true, 0, 0.25, 0, false, params);
    float[] x = {0.3f, -1.2f, 0.7f, 2.0f, -0.4f, 0.1f};
    float[] rows = new float[4 * D];
    for (int i = 0; i < 4; i++) {
      System.arraycopy(x, 0, rows, i * D, D);
    }
    long code = -1;
    for (int step = 0; step < 300; step++) {
      try (NDManager bm = manager.newSubManager()) {
        Forward fwd = new Forward(bm, true, new SplittableRandom(step), 0, step);
        ResidualQuantizer.Quantized z = rq.quantize(Tensors.create(bm, rows, new Shape(4, D)), fwd);
        long c = z.codes().toLongArray()[0];
        assertThat(code == -1 || c == code).as("the constant input keeps its code").isTrue();
        code = c;
      }
    }
    float[] codebook = params.all().get("quantizer.level-1.codebook").toFloatArray();
    assertThat(row(codebook, (int) code, D)).containsExactly(x, within(1e-3f));
  }

  @Test
  void restarts_deadCodes_reseededFromTheBatchDeterministically() {
    float[][] after = new float[2][];
    for (int run = 0; run < 2; run++) {
      Params params = new Params(manager, new SplittableRandom(17));
      ResidualQuantizer rq = quantizer(1, 6, false, 1.0, 0.25, 1, false, params);
      NDArray q = randomVectors(18).get("0:2"); // two rows: at most two codes used
      Forward fwd = new Forward(manager, true, new SplittableRandom(99), 0, 0);
      ResidualQuantizer.Quantized z = rq.quantize(q, fwd);
      assertThat(fwd.metrics().get("tarq/level-1/restarts")).isGreaterThanOrEqualTo(4.0);
      after[run] = params.all().get("quantizer.level-1.codebook").toFloatArray();
      float[] x = q.toFloatArray();
      long[] used = z.codes().toLongArray();
      for (int k = 0; k < 6; k++) {
        if (k == used[0] || k == used[1]) {
          continue;
        }
        float[] c = row(after[run], k, D);
        double near = Math.min(dist2(c, row(x, 0, D)), dist2(c, row(x, 1, D)));
        assertThat(near).as("restarted code %d lies near a batch vector", k).isLessThan(D * 1e-4);
      }
      float[] counts = params.all().get("quantizer.level-1.ema-count").toFloatArray();
      for (float c : counts) {
        assertThat(c).isGreaterThanOrEqualTo(0.99f);
      }
    }
    assertThat(after[1]).containsExactly(after[0]);
  }

  @Test
  void restarts_gradientCodebookMidStep_backwardSeesTheStepsCopy() {
    Params params = new Params(manager, new SplittableRandom(19));
    ResidualQuantizer rq = quantizer(1, 6, false, 1.0, 0.25, 1, false, params);
    NDArray q = randomVectors(20).get("0:2");
    NDArray codebook = params.all().get("quantizer.level-1.codebook");
    float[] before = codebook.toFloatArray();
    long[] used;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
      NDArray use = rq.codebooks(fwd)[0].square().sum(); // every codeword in the graph, as the user tower does
      used = rq.quantize(q, fwd).codes().toLongArray(); // restarts the unused codes in place
      gc.backward(use.add(fwd.auxLosses().get("tarq-codebook")));
    }
    float[] after = codebook.toFloatArray();
    float[] g = codebook.getGradient().toFloatArray();
    int restarted = 0;
    for (int k = 0; k < 6; k++) {
      if (k == used[0] || k == used[1]) {
        continue;
      }
      restarted++;
      assertThat(row(after, k, D)).isNotEqualTo(row(before, k, D));
      // d(sum c^2)/dc = 2 c at the step's copy: the values before the restart
      for (int j = 0; j < D; j++) {
        assertThat(g[k * D + j]).isCloseTo(2 * before[k * D + j], within(1e-5f));
      }
    }
    assertThat(restarted).isGreaterThanOrEqualTo(4);
  }

  @Test
  void diagnostics_handMadeCodes_utilizationAndPerplexity() {
    Params params = new Params(manager, new SplittableRandom(21));
    ResidualQuantizer rq = quantizer(1, 4, false, 0, 0.25, 1, false, params);
    float[] c = params.all().get("quantizer.level-1.codebook").toFloatArray();
    // two rows on code 0, two on code 1: utilization 2/4, perplexity exp(ln 2) = 2
    float[] rows = new float[4 * D];
    System.arraycopy(c, 0, rows, 0, D);
    System.arraycopy(c, 0, rows, D, D);
    System.arraycopy(c, D, rows, 2 * D, D);
    System.arraycopy(c, D, rows, 3 * D, D);
    Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
    ResidualQuantizer.Quantized z = rq.quantize(Tensors.create(manager, rows, new Shape(4, D)), fwd);
    assertThat(z.codes().toLongArray()).containsExactly(0, 0, 1, 1);
    Map<String, Double> m = fwd.metrics();
    assertThat(m.get("tarq/level-1/utilization")).isCloseTo(0.5, within(1e-9));
    assertThat(m.get("tarq/level-1/perplexity")).isCloseTo(2.0, within(1e-9));
    assertThat(m.get("tarq/quantization-error")).isCloseTo(0.0, within(1e-9));
  }
}
