package org.towerlab.modules.mvke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.InteractionContract;

/**
 * The interaction contract for the primary task (a, kernels {0, 1}) and, nested, with task b
 * (kernels {1, 2}) as the primary; outputs shaped as the MVKE towers': queries with K = 3 experts
 * of width 8, items with T = 2 tag vectors and each task's gate (softmax over its subset, exactly 0
 * elsewhere). Plus a hand-checked score and the MultiTask views.
 */
class MvkeInteractionTest extends InteractionContract {

  @Override
  protected Interaction newInteraction() {
    return new MvkeInteraction(Fixtures.config(false, 0.1));
  }

  @Override
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    return side == Side.QUERY ? experts(n, manager, rng) : tags(n, manager, rng);
  }

  static TowerOutput experts(int n, NDManager manager, SplittableRandom rng) {
    NDArray u = random(manager, new Shape(n, 3, 8), rng);
    return new TowerOutput(u.mean(new int[] {1}), u, null, null, Map.of());
  }

  static TowerOutput tags(int n, NDManager manager, SplittableRandom rng) {
    NDArray g = random(manager, new Shape(n, 2, 8), rng);
    return new TowerOutput(g.get(":, 0"), g, null, null, Map.of(
        MvkeTagTower.TAG + "a", g.get(":, 0"), MvkeTagTower.TAG + "b", g.get(":, 1"),
        MvkeTagTower.GATE + "a", gate(n, new int[] {0, 1}, manager, rng),
        MvkeTagTower.GATE + "b", gate(n, new int[] {1, 2}, manager, rng)));
  }

  private static NDArray gate(int n, int[] subset, NDManager manager, SplittableRandom rng) {
    float[] v = new float[n * 3];
    for (int i = 0; i < n; i++) {
      double[] e = new double[subset.length];
      double z = 0;
      for (int j = 0; j < subset.length; j++) {
        e[j] = Math.exp(rng.nextDouble() * 2 - 1);
        z += e[j];
      }
      for (int j = 0; j < subset.length; j++) {
        v[i * 3 + subset[j]] = (float) (e[j] / z);
      }
    }
    return Tensors.create(manager, v, new Shape(n, 3));
  }

  @Nested
  class SecondTaskPrimary extends InteractionContract {
    @Override
    protected Interaction newInteraction() {
      MvkeModelConfig c = Fixtures.config(false, 0.1);
      return new MvkeInteraction(new MvkeModelConfig(c.dim(), c.kernels(), c.kernelInitStd(), null, null,
          c.expertHidden(), false, c.tagHidden(), c.tasks(), "b", c.initStd(), null));
    }

    @Override
    protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
      return MvkeInteractionTest.this.outputs(side, n, manager, rng);
    }
  }

  private NDManager m;
  private Forward fwd;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    fwd = Forward.inference(m);
  }

  @AfterEach
  void close() {
    m.close();
  }

  /**
   * K = 2, d = 2, one task over both kernels: u_0 = (1, 0), u_1 = (0, 2), g = (1, 1),
   * beta = (0.25, 0.75): u^t = (0.25, 1.5), s = 1.75 = 0.25 * 1 + 0.75 * 2.
   */
  @Test
  void scores_handSetOutputs_matchTheHandComputedScoreInBothForms() {
    MvkeModelConfig config = new MvkeModelConfig(2, 2, null, null, null, null, null, null,
        List.of(new MvkeTaskConfig("t", List.of(0, 1))), null, null, null);
    MvkeInteraction inter = new MvkeInteraction(config);
    NDArray u = Tensors.create(m, new float[] {1, 0, 0, 2}, new Shape(1, 2, 2));
    NDArray g = Tensors.create(m, new float[] {1, 1}, new Shape(1, 1, 2));
    TowerOutput q = new TowerOutput(u.mean(new int[] {1}), u, null, null, Map.of());
    TowerOutput item = new TowerOutput(g.reshape(1, 2), g, null, null, Map.of(MvkeTagTower.TAG + "t", g.reshape(1, 2),
        MvkeTagTower.GATE + "t", Tensors.create(m, new float[] {0.25f, 0.75f}, new Shape(1, 2))));
    assertThat(inter.scoreAll(q, item, fwd).getFloat()).isCloseTo(1.75f, within(1e-6f));
    assertThat(inter.scorePaired("t", q, item, 1, fwd).getFloat()).isCloseTo(1.75f, within(1e-6f));
  }

  @Test
  void multiTask_tasksAndPrimary_followTheConfig() {
    MvkeInteraction inter = new MvkeInteraction(Fixtures.config(false, 0.1));
    assertThat(inter.tasks()).containsExactly("a", "b");
    assertThat(inter.primary()).isEqualTo("a");
    SplittableRandom rng = new SplittableRandom(3);
    TowerOutput q = experts(2, m, rng);
    TowerOutput items = tags(4, m, rng);
    assertThat(inter.scoreAll(q, items, fwd).toFloatArray()).containsExactly(
        inter.scoreAll("a", q, items, fwd).toFloatArray());
    assertThat(inter.scoreAll("b", q, items, fwd).toFloatArray()).isNotEqualTo(
        inter.scoreAll("a", q, items, fwd).toFloatArray());
    assertThatThrownBy(() -> inter.scoreAll("c", q, items, fwd)).isInstanceOf(UserException.class)
        .hasMessageContaining("[a, b]");
  }

  @Test
  void flopsPerPair_primaryTaskOfTwoKernels_countsItsDotsAndTheWeightedSum() {
    // |S| = 2 dot products of width 8 (32) and the gate-weighted sum (4)
    assertThat(new MvkeInteraction(Fixtures.config(false, 0.1)).flopsPerPair(8)).isEqualTo(36);
  }
}
