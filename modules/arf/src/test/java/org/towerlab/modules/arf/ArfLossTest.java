package org.towerlab.modules.arf;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/** The combined ARF loss: uncertainty weighting with a learned log-variance (guide invariant 7). */
class ArfLossTest {
  private static final int B = 4;
  private static final int L = 8;
  private NDManager manager;
  private final float[] scores = new float[B * L];
  private final float[] labels = new float[B * L];
  private final float[] mask = new float[B * L];

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    SplittableRandom rng = new SplittableRandom(17);
    int[] sizes = {8, 8, 6, 5};
    for (int b = 0; b < B; b++) {
      for (int j = 0; j < sizes[b]; j++) {
        scores[b * L + j] = (float) rng.nextGaussian();
        labels[b * L + j] = rng.nextInt(3) == 0 ? rng.nextInt(1, 3) : 0f;
        mask[b * L + j] = 1f;
      }
      labels[b * L] = 2f;
    }
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static ArfLossConfig config(String weighting, Double globalWeight, Double init) {
    return new ArfLossConfig(2, 3, 1.0, "mean", null, null, null, null, null, weighting, globalWeight, init);
  }

  private ArfLoss initialized(ArfLossConfig c, Params params) {
    ArfLoss loss = new ArfLoss(c);
    loss.initialize(new InitContext(params.scope("loss"), null, null));
    return loss;
  }

  private LossInput input(NDArray s) {
    return new LossInput.Builder().list(s, Tensors.create(manager, labels, new Shape(B, L)),
        Tensors.create(manager, mask, new Shape(B, L))).build();
  }

  /** One forward and backward; returns the total and the logged terms. */
  private Forward step(ArfLoss loss, NDArray s, float[] total) {
    Forward fwd = new Forward(manager, true, new SplittableRandom(1), 0, 0);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = loss.compute(input(s), fwd);
      total[0] = l.getFloat();
      gc.backward(l);
    }
    return fwd;
  }

  private NDArray scoresWithGrad() {
    NDArray s = Tensors.create(manager, scores, new Shape(B, L));
    s.setRequiresGradient(true);
    return s;
  }

  @Test
  void initialize_uncertainty_createsOneLogVarianceUnderTheLossScope() {
    Params params = new Params(manager, new SplittableRandom(1));
    ArfLoss loss = initialized(config(null, null, null), params);

    assertThat(params.trainable()).containsOnlyKeys("loss.log-variance");
    assertThat(loss.logVariance().getFloat()).isZero();
    Params fixed = new Params(manager, new SplittableRandom(1));
    initialized(config("fixed", 0.5, null), fixed);
    assertThat(fixed.all()).isEmpty();
  }

  @Test
  void compute_atInitialSigmaOne_isRelaxPlusHalfGlobal() {
    Params params = new Params(manager, new SplittableRandom(1));
    float[] total = new float[1];
    Forward fwd = step(initialized(config(null, null, null), params), scoresWithGrad(), total);

    double relax = fwd.metrics().get("arf-relax");
    double global = fwd.metrics().get("arf-global");
    // L_R + L_G / (2 * 1) + log 1
    assertThat((double) total[0]).isCloseTo(relax + global / 2, within(1e-5));
    assertThat(fwd.metrics()).containsEntry("arf-sigma2", 1.0).containsKeys("arf-recall", "arf-opa", "arf-relax-lists");
  }

  @Test
  void compute_logVariance_receivesTheAnalyticGradient() {
    Params params = new Params(manager, new SplittableRandom(1));
    ArfLoss loss = initialized(config(null, null, 0.7), params);
    float[] total = new float[1];
    Forward fwd = step(loss, scoresWithGrad(), total);

    double global = fwd.metrics().get("arf-global");
    // d/ds [exp(-s) L_G / 2 + s / 2] = (1 - exp(-s) L_G) / 2
    float g = loss.logVariance().getGradient().getFloat();
    assertThat((double) g).isCloseTo((1 - Math.exp(-0.7) * global) / 2, within(1e-5));
    assertThat(g).isNotZero();
  }

  @Test
  void compute_gradientDescentOnLogVariance_convergesToSigmaSquaredEqualsGlobal() {
    Params params = new Params(manager, new SplittableRandom(1));
    ArfLoss loss = initialized(config(null, null, 3.0), params);
    NDArray fixed = Tensors.create(manager, scores, new Shape(B, L)); // the model is frozen
    float[] total = new float[1];
    double global = 0;
    for (int it = 0; it < 400; it++) {
      Forward fwd = step(loss, fixed, total);
      global = fwd.metrics().get("arf-global");
      NDArray s = loss.logVariance();
      NDArray g = s.getGradient();
      s.subi(g.mul(0.5f)); // plain gradient descent, as the optimizer updates parameters in place
      g.subi(g);
      assertThat(total[0]).isFinite();
    }

    assertThat(Math.exp(loss.logVariance().getFloat())).isCloseTo(global, within(1e-4 * Math.max(1, global)));
  }

  @Test
  void compute_extremeLogVariance_staysFinite() {
    for (double init : new double[] {-20, 20}) {
      Params params = new Params(manager, new SplittableRandom(1));
      ArfLoss loss = initialized(config(null, null, init), params);
      NDArray s = scoresWithGrad();
      float[] total = new float[1];
      step(loss, s, total);

      assertThat(total[0]).as("loss at s = %s", init).isFinite();
      assertThat(loss.logVariance().getGradient().getFloat()).isFinite();
      for (float v : s.getGradient().toFloatArray()) {
        assertThat(v).isFinite();
      }
    }
  }

  @Test
  void compute_paddedSlots_getExactlyZeroGradient() {
    Params params = new Params(manager, new SplittableRandom(1));
    NDArray s = scoresWithGrad();
    step(initialized(config(null, null, null), params), s, new float[1]);
    float[] g = s.getGradient().toFloatArray();

    for (int i = 0; i < g.length; i++) {
      if (mask[i] == 0) {
        assertThat(g[i]).as("padded slot %d", i).isZero();
      }
    }
    assertThat(java.util.Arrays.stream(toDouble(g)).map(Math::abs).sum()).isPositive();
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  @Test
  void compute_fixedWeighting_isRelaxPlusWeightTimesGlobal() {
    Params params = new Params(manager, new SplittableRandom(1));
    float[] total = new float[1];
    Forward fwd = step(initialized(config("fixed", 0.25, null), params), scoresWithGrad(), total);

    assertThat((double) total[0]).isCloseTo(fwd.metrics().get("arf-relax") + 0.25 * fwd.metrics().get("arf-global"),
        within(1e-5));
    assertThat(fwd.metrics()).doesNotContainKey("arf-sigma2");
  }
}
