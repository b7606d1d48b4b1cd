package org.towerlab.modules.mvke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.TowerScorer;

/** The whole MVKE model: kernels shared by the towers, gradient isolation per task, the serving decomposition. */
class MvkeModelTest {
  private static final Split SPLIT = Fixtures.impressions(7);

  private static MvkeModel model(MvkeModelConfig config, TestParams params) {
    MvkeModel model = new MvkeModel(config, "$.model");
    model.initialize(params.model(SPLIT));
    return model;
  }

  /** The first {@code n} logged training rows: query ids, item ids and labels. */
  private record Rows(long[] queries, long[] items, Map<String, float[]> labels) {
    static Rows first(int n) {
      InteractionLog log = SPLIT.logged("train");
      long[] q = new long[n];
      long[] it = new long[n];
      Map<String, float[]> labels = new LinkedHashMap<>();
      for (String name : log.labelNames()) {
        labels.put(name, java.util.Arrays.copyOf(log.label(name), n));
      }
      for (int r = 0; r < n; r++) {
        q[r] = log.queries()[r];
        it[r] = log.items()[r];
      }
      return new Rows(q, it, labels);
    }

    LossInput input(TowerOutput qo, TowerOutput io, NDArray scores, NDManager m) {
      Map<String, NDArray> l = new LinkedHashMap<>();
      labels.forEach((k, v) -> l.put(k, Tensors.create(m, v)));
      return LossInput.builder(scores).labels(l).outputs(qo, io).build();
    }
  }

  @Test
  void initialize_kernelsOnceUnderTheModelScope_sharedByBothTowers() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      MvkeModel model = model(Fixtures.config(false, 0.1), params);
      assertThat(params.all()).containsKey("model.kernels.vk");
      assertThat(params.all().keySet()).noneMatch(k -> k.contains("tower.kernels"));
      NDArray vk = params.all().get("model.kernels.vk");
      Rows rows = Rows.first(16);
      for (Side side : new Side[] {Side.QUERY, Side.ITEM}) {
        Gradients.Result g;
        try (NDManager bm = m.newSubManager()) {
          g = Gradients.of(Map.of("vk", vk), () -> {
            Forward fwd = Forwards.training(bm, 1);
            TowerOutput out = side == Side.QUERY
                ? model.queryTower().encode(Batches.of(SPLIT).build(side, rows.queries(), bm), fwd)
                : model.itemTower().encode(Batches.of(SPLIT).build(side, rows.items(), bm), fwd);
            NDArray total = out.heads().sum();
            for (NDArray e : out.extras().values()) {
              total = total.add(e.sum().mul(Tensors.scalar(bm, 0.37f)));
            }
            return total;
          });
        }
        assertThatArray(g.of("vk")).as("gradient of the shared kernels from the " + side + " tower").isNotAllZero();
      }
    }
  }

  /** A second initialize (a new run's parameters) replaces the kernels and every tower weight. */
  @Test
  void initialize_twice_theSecondParametersAreTheOnesUsed() {
    try (NDManager m = NDManager.newBaseManager()) {
      MvkeModel model = new MvkeModel(Fixtures.config(false, 0.3), "$.model");
      TestParams first = new TestParams(m, 1);
      model.initialize(first.model(SPLIT));
      TestParams second = new TestParams(m, 2);
      model.initialize(second.model(SPLIT));
      assertThat(second.all().keySet()).isEqualTo(first.all().keySet());
      Rows rows = Rows.first(8);
      Gradients.Result g;
      try (NDManager bm = m.newSubManager()) {
        g = Gradients.of(second.all(), () -> {
          Forward fwd = Forwards.training(bm, 1);
          TowerOutput qo = model.queryTower().encode(Batches.of(SPLIT).build(Side.QUERY, rows.queries(), bm), fwd);
          TowerOutput io = model.itemTower().encode(Batches.of(SPLIT).build(Side.ITEM, rows.items(), bm), fwd);
          return ((MvkeInteraction) model.interaction()).scorePaired("b", qo, io, 1, fwd).sum();
        });
      }
      assertThatArray(g.of("model.kernels.vk")).isNotAllZero();
      assertThatArray(g.of("model.query-tower.experts.0.weight")).isNotAllZero();
    }
  }

  /**
   * One task's loss alone: the kernels outside its subset, their experts' towers and the other
   * task's tag tower get exactly zero gradient; the subset's kernels do get gradient.
   */
  @Test
  void taskLoss_backward_exactlyZeroGradientOutsideTheTasksKernels() {
    String[][] cases = {{"a", "2", "b"}, {"b", "0", "a"}};
    for (String[] c : cases) {
      String task = c[0];
      int outside = Integer.parseInt(c[1]);
      try (NDManager m = NDManager.newBaseManager()) {
        TestParams params = new TestParams(m, 1);
        MvkeModel model = model(Fixtures.config(false, 0.3), params);
        MvkeLoss loss = new MvkeLoss(new MvkeLossConfig(List.of(new MvkeLossTaskConfig(task, "click", null, null)),
            null));
        Rows rows = Rows.first(32);
        Gradients.Result g;
        try (NDManager bm = m.newSubManager()) {
          g = Gradients.of(params.all(), () -> {
            Forward fwd = Forwards.training(bm, 1);
            TowerOutput qo = model.queryTower().encode(Batches.of(SPLIT).build(Side.QUERY, rows.queries(), bm), fwd);
            TowerOutput io = model.itemTower().encode(Batches.of(SPLIT).build(Side.ITEM, rows.items(), bm), fwd);
            return loss.compute(rows.input(qo, io, null, bm), fwd);
          });
        }
        float[] vk = g.of("model.kernels.vk"); // [3, 8]
        for (int k = 0; k < 3; k++) {
          float[] row = java.util.Arrays.copyOfRange(vk, 8 * k, 8 * k + 8);
          if (k == outside) {
            assertThatArray(row).as("task %s: gradient of kernel %d (outside its subset)", task, k).isAllZero();
          } else {
            assertThatArray(row).as("task %s: gradient of kernel %d", task, k).isNotAllZero();
          }
        }
        assertThat(g.gradients().keySet()).filteredOn(n -> n.startsWith("model.query-tower.experts.")).hasSize(4);
        g.gradients().forEach((name, grad) -> {
          if (name.startsWith("model.query-tower.experts.")) {
            // stacked expert weights [K, in, out] / [K, 1, out]: slice k is expert k's
            int per = grad.length / 3;
            assertThatArray(java.util.Arrays.copyOfRange(grad, outside * per, (outside + 1) * per))
                .as("task %s: gradient of %s, expert %d", task, name, outside).isAllZero();
            assertThatArray(java.util.Arrays.copyOfRange(grad, per, 2 * per))
                .as("task %s: gradient of %s, expert 1 (shared)", task, name).isNotAllZero();
          }
          if (name.startsWith("model.item-tower.tag." + c[2] + ".")) {
            assertThatArray(grad).as("task %s: gradient of %s (the other task's tag tower)", task, name).isAllZero();
          }
          if (name.startsWith("model.item-tower.tag." + task + ".")) {
            assertThatArray(grad).as("task %s: gradient of %s", task, name).isNotAllZero();
          }
        });
      }
    }
  }

  /**
   * The paper's training path ({@code <sum_k beta_k u_k, g_t>} on towers encoded in a training pass)
   * equals the serving decomposition ({@code sum_k beta_k <u_k, g_t>} on tags and gates precomputed
   * once for the whole corpus and cached by the runner's scorer) within 1e-6 relative, for every task.
   */
  @Test
  void servingDecomposition_precomputedGates_equalsTheTrainingPathScore() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      MvkeModel model = model(Fixtures.config(false, 0.5), params);
      Rows rows = Rows.first(24);
      int numItems = SPLIT.dataset().numItems();
      try (TowerScorer scorer = new TowerScorer(model, new FeatureBatches(SPLIT), numItems, m)) {
        for (String task : List.of("a", "b")) {
          float[] training;
          try (NDManager bm = m.newSubManager()) {
            Forward fwd = Forwards.training(bm, 1);
            TowerOutput qo = model.queryTower().encode(Batches.of(SPLIT).build(Side.QUERY, rows.queries(), bm), fwd);
            TowerOutput io = model.itemTower().encode(Batches.of(SPLIT).build(Side.ITEM, rows.items(), bm), fwd);
            training = ((MvkeInteraction) model.interaction()).scorePaired(task, qo, io, 1, fwd).toFloatArray();
          }
          Scorer serving = scorer.task(task);
          float[] expected = new float[rows.queries().length];
          try (NDManager bm = m.newSubManager()) {
            float[] all = serving.scoreBlock(rows.queries(), 0, numItems, bm).toFloatArray(); // [B, M]
            for (int r = 0; r < expected.length; r++) {
              expected[r] = all[r * numItems + (int) rows.items()[r]];
            }
          }
          float scale = 0;
          for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
          }
          assertThat(scale).as("scores of order 1, so that 1e-6 is a relative bound").isGreaterThan(0.1f);
          assertThatArray(training).as("task " + task + ": training path vs precomputed-gate serving")
              .isCloseTo(expected, Tolerance.relative(1e-6, 1e-7));
        }
      }
    }
  }
}
