package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.modules.baseline.MlpTower;
import org.towerlab.modules.baseline.MlpTowerConfig;

class TaskHeadsInteractionTest extends InteractionContract {

  @Override
  protected Interaction newInteraction() {
    return new TaskHeadsInteraction(new TaskHeadsInteractionConfig(0.5, 0.25, 2.0));
  }

  @Override
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    NDArray heads = random(manager, new Shape(n, 2, 4), rng); // [n, 2, 4]
    return new TowerOutput(heads.get(":, 0, :"), heads, null, null, Map.of());
  }

  private static TowerOutput output(NDManager m, float[] engagement, float[] relevance) {
    int n = engagement.length / 2;
    float[] h = new float[n * 4];
    for (int i = 0; i < n; i++) {
      h[i * 4] = engagement[i * 2];
      h[i * 4 + 1] = engagement[i * 2 + 1];
      h[i * 4 + 2] = relevance[i * 2];
      h[i * 4 + 3] = relevance[i * 2 + 1];
    }
    NDArray heads = Tensors.create(m, h, new Shape(n, 2, 2));
    return new TowerOutput(heads.get(":, 0, :"), heads, null, null, Map.of());
  }

  @Test
  void scoreAll_eachTask_handValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      TaskHeadsInteraction inter = (TaskHeadsInteraction) newInteraction();
      TowerOutput q = output(m, new float[] {1, 0}, new float[] {0, 1});
      TowerOutput items = output(m, new float[] {1, 0, 0, 1}, new float[] {1, 0, 0.5f, 0.5f});
      var fwd = Forwards.inference(m);

      // engagement <q_e, i_e> / 0.5: (2, 0); relevance <q_r, i_r> / 0.25: (0, 2); blend e + 2 r: (2, 4)
      assertThat(inter.scoreAll("engagement", q, items, fwd).toFloatArray()).containsExactly(new float[] {2, 0},
          within(1e-6f));
      assertThat(inter.scoreAll("relevance", q, items, fwd).toFloatArray()).containsExactly(new float[] {0, 2},
          within(1e-6f));
      assertThat(inter.scoreAll("blend", q, items, fwd).toFloatArray()).containsExactly(new float[] {2, 4},
          within(1e-6f));
      assertThat(inter.scoreAll(q, items, fwd).toFloatArray()).containsExactly(new float[] {2, 0}, within(1e-6f));
      assertThat(inter.scorePaired("blend", q, items, 2, fwd).toFloatArray()).containsExactly(new float[] {2, 4},
          within(1e-6f));
      assertThat(inter.tasks()).containsExactly("engagement", "relevance", "blend");
      assertThatThrownBy(() -> inter.scoreAll("click", q, items, fwd)).hasMessageContaining("[engagement, relevance,"
          + " blend]");
    }
  }

  @Test
  void tasks_withoutBlend_twoTasksAndBlendRefused() {
    TaskHeadsInteraction inter = new TaskHeadsInteraction(new TaskHeadsInteractionConfig(null, null, null));
    assertThat(inter.tasks()).containsExactly("engagement", "relevance");
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput q = output(m, new float[] {1, 0}, new float[] {0, 1});
      assertThatThrownBy(() -> inter.scoreAll("blend", q, q, Forwards.inference(m)))
          .hasMessageContaining("blend > 0");
    }
  }

  @Test
  void incompatibility_plainTowers_namesTheWrapper() {
    MlpTowerConfig c = new MlpTowerConfig(null, 4, List.of(), 4, null, null);
    TaskHeadsTower heads = new TaskHeadsTower(new TaskHeadsTowerConfig(c, 4, null), new MlpTower(c, "$.b"), "$.q");
    TaskHeadsTower wide = new TaskHeadsTower(new TaskHeadsTowerConfig(c, 8, null), new MlpTower(c, "$.b"), "$.i");
    Interaction inter = newInteraction();
    Compatibility check = (Compatibility) inter;

    assertThat(check.incompatibility(new Compatibility.Parts(null, new MlpTower(c, "$.q"), heads, inter, null, null,
        null, null))).contains("model.query-tower").contains("task-heads");
    assertThat(check.incompatibility(new Compatibility.Parts(null, heads, wide, inter, null, null, null, null)))
        .contains("head-dim (4 vs 8)");
    assertThat(check.incompatibility(new Compatibility.Parts(null, heads, heads, inter, null, null, null, null)))
        .isNull();
  }
}
