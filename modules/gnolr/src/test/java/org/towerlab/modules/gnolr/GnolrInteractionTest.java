package org.towerlab.modules.gnolr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

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
import org.towerlab.api.Compatibility;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.Tolerance;

class GnolrInteractionTest extends InteractionContract {

  @Override
  protected Interaction newInteraction() {
    return new GnolrInteraction(new GnolrInteractionConfig(List.of("click", "like", "share"), null));
  }

  /** Three level heads of width 4 (not normalized: the interaction normalizes them). */
  @Override
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    NDArray heads = random(manager, new Shape(n, 3, 4), rng);
    return new TowerOutput(heads.reshape(n, 12), heads, null, null, Map.of());
  }

  @Nested
  class UnequalScales extends InteractionContract {
    @Override
    protected Interaction newInteraction() {
      return new GnolrInteraction(new GnolrInteractionConfig(List.of("click", "like", "share"),
          List.of(4.0, 0.5, 1.5)));
    }

    @Override
    protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
      return GnolrInteractionTest.this.outputs(side, n, manager, rng);
    }
  }

  private NDManager m;
  private Forward fwd;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    fwd = Forwards.inference(m);
  }

  @AfterEach
  void close() {
    m.close();
  }

  private TowerOutput heads(float[] values, int n, int k, int d) {
    NDArray h = Tensors.create(m, values, new Shape(n, k, d));
    return new TowerOutput(h.reshape(n, k * d), h, null, null, Map.of());
  }

  @Test
  void scoreAll_eachLevel_nestedSumOfScaledCosines() {
    GnolrInteraction inter = new GnolrInteraction(new GnolrInteractionConfig(List.of("good", "top"), List.of(2.0, 3.0)));
    TowerOutput q = heads(new float[] {1, 0, 0, 1}, 1, 2, 2); // u_1 = (1, 0), u_2 = (0, 1)
    // item 0: c = (0.6, 0); item 1: v_2 = (0, 2) normalizes to (0, 1), c = (-0.6, 1)
    TowerOutput items = heads(new float[] {0.6f, 0.8f, 1, 0, -0.6f, 0.8f, 0, 2}, 2, 2, 2);
    // z_1 = 2 c_1; z_2 = 2 c_1 + 3 c_2
    assertThat(inter.scoreAll("good", q, items, fwd).toFloatArray()).containsExactly(new float[] {1.2f, -1.2f},
        within(1e-6f));
    assertThat(inter.scoreAll("top", q, items, fwd).toFloatArray()).containsExactly(new float[] {1.2f, 1.8f},
        within(1e-6f));
    assertThat(inter.scoreAll(q, items, fwd).toFloatArray()).as("primary = the deepest level")
        .containsExactly(new float[] {1.2f, 1.8f}, within(1e-6f));
    assertThat(inter.tasks()).containsExactly("good", "top");
  }

  @Test
  void levelQuery_dotTheItemsUnifiedVectors_equalsEachLevelsScores() {
    GnolrInteraction inter = new GnolrInteraction(new GnolrInteractionConfig(List.of("click", "like", "share"),
        List.of(4.0, 0.5, 1.5)));
    SplittableRandom rng = new SplittableRandom(4);
    TowerOutput q = outputs(Side.QUERY, 3, m, rng);
    TowerOutput raw = outputs(Side.ITEM, 7, m, rng);
    // the item index: the gnolr tower's embedding, the unit heads concatenated, the same for every level
    NDArray index = GnolrTower.unit(raw.heads()).reshape(7, 12); // [M, K*d]
    for (String level : inter.tasks()) {
      NDArray viaIndex = inter.levelQuery(q, level, fwd).matMul(index.transpose()); // [B, M]
      assertThatArray(viaIndex).as(level).hasShape(3, 7)
          .isCloseTo(inter.scoreAll(level, q, raw, fwd), Tolerance.relative(1e-5, 1e-6));
    }
  }

  @Test
  void scorePaired_eachLevel_equalsTheMatchingEntriesOfScoreAll() {
    GnolrInteraction inter = (GnolrInteraction) newInteraction();
    SplittableRandom rng = new SplittableRandom(5);
    TowerOutput q = outputs(Side.QUERY, 2, m, rng);
    TowerOutput items = outputs(Side.ITEM, 6, m, rng);
    for (String level : inter.tasks()) {
      float[] paired = inter.scorePaired(level, q, items, 3, fwd).toFloatArray(); // [2, 3]
      float[] all = inter.scoreAll(level, q, items, fwd).toFloatArray(); // [2, 6]
      float[] expected = {all[0], all[1], all[2], all[9], all[10], all[11]};
      assertThatArray(paired).as(level).isCloseTo(expected, Tolerance.relative(1e-5, 1e-6));
    }
  }

  @Test
  void scoreAll_shallowLevel_ignoresTheDeeperHeads() {
    GnolrInteraction inter = (GnolrInteraction) newInteraction();
    SplittableRandom rng = new SplittableRandom(6);
    TowerOutput q = outputs(Side.QUERY, 2, m, rng);
    TowerOutput items = outputs(Side.ITEM, 4, m, rng);
    float[] before = inter.scoreAll("like", q, items, fwd).toFloatArray();
    float[] v = items.heads().toFloatArray();
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        v[(i * 3 + 2) * 4 + j] = (float) rng.nextGaussian(); // new share heads
      }
    }
    assertThat(inter.scoreAll("like", q, heads(v, 4, 3, 4), fwd).toFloatArray()).containsExactly(before,
        within(1e-6f));
  }

  @Test
  void scoreAll_outputWithoutHeads_saysWhatToUse() {
    GnolrInteraction inter = (GnolrInteraction) newInteraction();
    TowerOutput plain = TowerOutput.of(m.ones(new Shape(2, 12)));
    assertThatThrownBy(() -> inter.scoreAll(plain, plain, fwd)).hasMessageContaining("without heads")
        .hasMessageContaining("levels: 3");
    assertThatThrownBy(() -> inter.scoreAll("follow", plain, plain, fwd)).hasMessageContaining("[click, like, share]");
  }

  @Test
  void incompatibility_towersThatAreNotGnolrWithTheLevelCount_refused() {
    GnolrInteraction inter = (GnolrInteraction) newInteraction();
    GnolrTower three = new GnolrTower(new GnolrTowerConfig(3, 8, null, null, null, null, null, null), null, "$.q");
    GnolrTower two = new GnolrTower(new GnolrTowerConfig(2, 8, null, null, null, null, null, null), null, "$.i");
    GnolrTower wider = new GnolrTower(new GnolrTowerConfig(3, 16, null, null, null, null, null, null), null, "$.i");
    assertThat(inter.incompatibility(parts(three, three))).isNull();
    assertThat(inter.incompatibility(parts(three, KitTower.allFields(4)))).contains("model.item-tower is 'KitTower'")
        .contains("base:");
    assertThat(inter.incompatibility(parts(three, two))).contains("Set model.item-tower.levels to 3");
    assertThat(inter.incompatibility(parts(three, wider))).contains("head-dim 8 vs 16");
  }

  private static Compatibility.Parts parts(Object query, Object item) {
    return new Compatibility.Parts(null, query, item, null, null, null, null, null);
  }

  @Test
  void config_invalidLevelNames_refusedWithTheValues() {
    assertThatThrownBy(() -> new GnolrInteractionConfig(List.of("click", "like/share"), null))
        .hasMessageContaining("like/share");
    assertThatThrownBy(() -> new GnolrInteractionConfig(List.of("click", "click"), null))
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> new GnolrInteractionConfig(List.of("a", "b"), List.of(1.0)))
        .hasMessageContaining("one value per level (2)");
    assertThat(new GnolrInteractionConfig(null, null).effectiveScales()).containsExactly(1.0, 1.0, 1.0);
  }

  @Test
  void flopsPerPair_unifiedWidth_oneDotProduct() {
    assertThat(newInteraction().flopsPerPair(96)).isEqualTo(192);
    assertThat(newInteraction().itemSidePrecomputable()).isTrue();
  }
}
