package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;

/**
 * Row-sparse embedding updates ({@code lazy-adam}, {@code rowwise-adagrad}) against the dense
 * multi-tensor AdamW: equal where every row has a gradient at every step, different (and cheaper)
 * where it does not.
 */
class AdamWSparseTest {
  private static final int ROWS = 5;
  private static final int DIM = 3;

  /** A table and a linear layer on one parameter set, from a fixed seed. */
  private record Model(Params params, EmbeddingTable table, Linear linear) {
    static Model create(NDManager m) {
      Params p = new Params(m, new SplittableRandom(7));
      return new Model(p, new EmbeddingTable(p, "emb", ROWS, DIM, 0.5), new Linear(p, "lin", DIM, 2, true));
    }
  }

  /**
   * One step's loss: {@code sum(c * linear(lookup(ids)))} over one or two lookups, so each row's
   * gradient depends on how often the step read it.
   */
  private static void backward(NDManager m, Model model, long[][] lookups, float seed) {
    try (NDManager b = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray total = null;
      for (long[] ids : lookups) {
        NDArray e = model.table().lookup(Tensors.create(b, ids)); // [N, DIM]
        NDArray y = model.linear().forward(e); // [N, 2]
        float[] c = new float[ids.length * 2];
        for (int i = 0; i < c.length; i++) {
          c[i] = (float) Math.sin(seed + 1.7 * i);
        }
        NDArray term = y.mul(Tensors.create(b, c, new Shape(ids.length, 2))).sum().add(y.square().sum().mul(0.1f));
        total = total == null ? term : total.add(term);
      }
      gc.backward(total);
    }
  }

  private static List<float[]> train(EmbeddingUpdates mode, long[][][] steps, double wd, double clip) {
    try (NDManager m = NDManager.newBaseManager()) {
      Model model = Model.create(m);
      List<float[]> out = new ArrayList<>();
      try (AdamW adam = new AdamW(model.params().trainable(), m.newSubManager(), 0.05, wd, clip, mode)) {
        for (int s = 0; s < steps.length; s++) {
          backward(m, model, steps[s], s);
          adam.step();
        }
      }
      out.add(model.table().table().toFloatArray());
      out.add(model.linear().weight().toFloatArray());
      return out;
    }
  }

  private static final EmbeddingUpdates LAZY = EmbeddingUpdates.parse("lazy-adam");

  @Test
  void step_lazyAdamEveryRowReadEveryStep_equalsDense() {
    long[][][] steps = {
        {{0, 1, 2, 3, 4, 4, 2}},
        {{4, 3, 2, 1, 0}, {1, 1, 3}}, // two lookups in one step: duplicate rows are summed
        {{2, 0, 1, 4, 3, 0}},
    };
    List<float[]> dense = train(EmbeddingUpdates.DENSE, steps, 0.01, 0.0);
    List<float[]> lazy = train(LAZY, steps, 0.01, 0.0);

    assertThat(lazy.get(0)).containsExactly(dense.get(0), within(1e-6f));
    assertThat(lazy.get(1)).containsExactly(dense.get(1), within(1e-6f));
  }

  @Test
  void step_lazyAdamWithClipping_equalsDenseWhenEveryRowIsRead() {
    long[][][] steps = {{{0, 1, 2, 3, 4}}, {{4, 3, 2, 1, 0, 0}}};
    List<float[]> dense = train(EmbeddingUpdates.DENSE, steps, 0.0, 0.05);
    List<float[]> lazy = train(LAZY, steps, 0.0, 0.05);

    assertThat(lazy.get(0)).containsExactly(dense.get(0), within(1e-6f));
  }

  @Test
  void step_lazyAdamRowNotRead_keepsItsWeightsWhileDenseMovesIt() {
    // row 4 is read at step 1 only; at step 2 dense Adam keeps moving it on its momentum
    long[][][] steps = {{{0, 1, 4}}, {{0, 1, 2}}};
    try (NDManager m = NDManager.newBaseManager()) {
      float[] initial = Model.create(m).table().table().toFloatArray();
      List<float[]> afterOne = train(LAZY, new long[][][] {steps[0]}, 0.0, 0.0);
      List<float[]> lazy = train(LAZY, steps, 0.0, 0.0);
      List<float[]> dense = train(EmbeddingUpdates.DENSE, steps, 0.0, 0.0);

      for (int j = 0; j < DIM; j++) {
        int row4 = 4 * DIM + j;
        int row3 = 3 * DIM + j;
        assertThat(lazy.get(0)[row4]).isEqualTo(afterOne.get(0)[row4]); // untouched at step 2
        assertThat(lazy.get(0)[row3]).isEqualTo(initial[row3]); // never read
        assertThat(dense.get(0)[row3]).isEqualTo(initial[row3]); // never a gradient: zero moments
        assertThat(Math.abs(dense.get(0)[row4] - lazy.get(0)[row4])).isGreaterThan(1e-4f);
      }
      // rows read at both steps agree in the first step's numbers only up to the second step's updates
      assertThat(lazy.get(1)).containsExactly(dense.get(1), within(1e-6f));
    }
  }

  @Test
  void step_rowwiseAdagrad_firstStepMatchesHandComputation() {
    try (NDManager m = NDManager.newBaseManager()) {
      Model model = Model.create(m);
      float[] before = model.table().table().toFloatArray();
      float[] grad;
      // the dense gradient of the same loss, for the hand computation
      Model twin = Model.create(m);
      backward(m, twin, new long[][] {{1, 3, 3}}, 0);
      grad = twin.table().table().getGradient().toFloatArray();
      try (AdamW adam = new AdamW(model.params().trainable(), m.newSubManager(), 0.1, 0.0, 0.0,
          EmbeddingUpdates.parse("rowwise-adagrad"))) {
        assertThat(adam.sparseParameters()).containsEntry("emb", "rowwise-adagrad");
        backward(m, model, new long[][] {{1, 3, 3}}, 0);
        adam.step();
      }
      float[] after = model.table().table().toFloatArray();
      for (int r = 0; r < ROWS; r++) {
        double g2 = 0;
        for (int j = 0; j < DIM; j++) {
          g2 += grad[r * DIM + j] * grad[r * DIM + j];
        }
        double acc = g2 / DIM;
        for (int j = 0; j < DIM; j++) {
          int k = r * DIM + j;
          double expected = r == 1 || r == 3 ? before[k] - 0.1 * grad[k] / (Math.sqrt(acc) + 1e-8) : before[k];
          assertThat((double) after[k]).as("row %d col %d", r, j).isCloseTo(expected, within(1e-5));
        }
      }
    }
  }

  @Test
  void autoMode_smallTableDense_largeTableLazy() {
    assertThat(EmbeddingUpdates.parse("auto").modeFor(EmbeddingUpdates.AUTO_ROWS - 1))
        .isEqualTo(EmbeddingUpdates.Mode.DENSE);
    assertThat(EmbeddingUpdates.parse("auto").modeFor(EmbeddingUpdates.AUTO_ROWS))
        .isEqualTo(EmbeddingUpdates.Mode.LAZY_ADAM);
    try (NDManager m = NDManager.newBaseManager()) {
      Model model = Model.create(m);
      try (AdamW adam = new AdamW(model.params().trainable(), m.newSubManager(), 0.1, 0, 0,
          new EmbeddingUpdates(EmbeddingUpdates.Mode.AUTO, ROWS))) {
        assertThat(adam.sparseParameters()).containsOnlyKeys("emb");
      }
    }
  }

  @Test
  void close_lookupsInATrainingStepReadTheTableAgain() {
    try (NDManager m = NDManager.newBaseManager()) {
      Model model = Model.create(m);
      try (AdamW adam = new AdamW(model.params().trainable(), m.newSubManager(), 0.05, 0.0, 0.0, LAZY)) {
        backward(m, model, new long[][] {{0, 2}}, 0);
        adam.step();
      }
      backward(m, model, new long[][] {{2, 3}}, 1);

      float[] g = model.table().table().getGradient().toFloatArray(); // dense [ROWS * DIM]
      assertThat(g[2 * DIM]).isNotZero();
      assertThat(g[0]).isZero();
    }
  }

  @Test
  void restore_lazyAdamState_continuesIdentically() {
    long[][][] steps = {{{0, 2}}, {{2, 3}}, {{1, 0}}};
    List<float[]> straight = train(LAZY, steps, 0.0, 0.0);
    try (NDManager m = NDManager.newBaseManager()) {
      Model first = Model.create(m);
      List<float[]> moments = new ArrayList<>();
      long t;
      try (AdamW adam = new AdamW(first.params().trainable(), m.newSubManager(), 0.05, 0.0, 0.0, LAZY)) {
        backward(m, first, steps[0], 0);
        adam.step();
        adam.state().forEach(x -> moments.add(x.toFloatArray()));
        t = adam.steps();
      }
      Model resumed = Model.create(m);
      resumed.params().trainable().forEach((k, v) -> v.set(first.params().trainable().get(k).toFloatArray()));
      try (AdamW adam = new AdamW(resumed.params().trainable(), m.newSubManager(), 0.05, 0.0, 0.0, LAZY)) {
        adam.restore(moments, t);
        for (int s = 1; s < steps.length; s++) {
          backward(m, resumed, steps[s], s);
          adam.step();
        }
      }
      assertThat(resumed.table().table().toFloatArray()).containsExactly(straight.get(0), within(1e-6f));
      assertThat(resumed.linear().weight().toFloatArray()).containsExactly(straight.get(1), within(1e-6f));
    }
  }
}
