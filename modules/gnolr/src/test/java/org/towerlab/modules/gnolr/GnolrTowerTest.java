package org.towerlab.modules.gnolr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.TowerContract;

class GnolrTowerTest extends TowerContract {
  static final GnolrTowerConfig CONFIG = new GnolrTowerConfig(3, 4, List.of(8), null, 4, null, null, null);

  @Override
  protected Tower newTower(Side side) {
    return new GnolrTower(CONFIG, null, "$.model.tower");
  }

  /** The heads over a base tower of width 8 (= K * d, so the contract's random other side fits its coupling). */
  @Nested
  class OverABaseTower extends TowerContract {
    @Override
    protected Tower newTower(Side side) {
      return wrapper(new TestBaseTower(8));
    }
  }

  static GnolrTower wrapper(Tower base) {
    return new GnolrTower(new GnolrTowerConfig(2, 4, List.of(6), null, null, null, null, new TestBaseTower.Config()),
        base, "$.model.tower");
  }

  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private static float norm(float[] v, int from, int len) {
    double s = 0;
    for (int i = from; i < from + len; i++) {
      s += v[i] * v[i];
    }
    return (float) Math.sqrt(s);
  }

  @Test
  void encode_anyEntities_unitHeadsWhoseConcatenationIsTheEmbedding() {
    TestParams params = new TestParams(m, 1);
    GnolrTower tower = (GnolrTower) newTower(Side.ITEM);
    tower.initialize(params.tower(TinyData.split(), Side.ITEM));
    TowerOutput out = tower.encode(Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(6), m),
        Forwards.inference(m));
    assertThat(out.heads().getShape().getShape()).containsExactly(6, 3, 4);
    assertThat(out.embedding().getShape().getShape()).containsExactly(6, 12);
    assertThat(tower.outputDim()).isEqualTo(12);
    float[] h = out.heads().toFloatArray();
    for (int head = 0; head < 18; head++) {
      assertThat(norm(h, head * 4, 4)).as("norm of head %d", head).isCloseTo(1f, within(1e-5f));
    }
    assertThat(out.embedding().toFloatArray()).containsExactly(h);
    assertThat(params.all()).containsKeys("model.item-tower.level-1.0.weight", "model.item-tower.level-3.1.bias",
        "model.item-tower.emb.id");
  }

  @Test
  void unifiedEmbeddings_dotProduct_equalsTheSumOfTheLevelCosines() {
    TestParams params = new TestParams(m, 1);
    GnolrTower query = (GnolrTower) newTower(Side.QUERY);
    GnolrTower item = (GnolrTower) newTower(Side.ITEM);
    query.initialize(params.tower(TinyData.split(), Side.QUERY));
    item.initialize(params.tower(TinyData.split(), Side.ITEM));
    TowerOutput q = query.encode(Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), m), Forwards.inference(m));
    TowerOutput v = item.encode(Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(6), m), Forwards.inference(m));
    float[] dots = q.embedding().matMul(v.embedding().transpose()).toFloatArray(); // [4, 6]
    float[] qh = q.heads().toFloatArray();
    float[] vh = v.heads().toFloatArray();
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 6; b++) {
        double sum = 0;
        for (int k = 0; k < 3; k++) {
          double dot = 0;
          for (int j = 0; j < 4; j++) {
            dot += qh[(a * 3 + k) * 4 + j] * vh[(b * 3 + k) * 4 + j];
          }
          sum += dot / (norm(qh, (a * 3 + k) * 4, 4) * norm(vh, (b * 3 + k) * 4, 4)); // cos of level k
        }
        assertThat((double) dots[a * 6 + b]).as("query %d, item %d", a, b).isCloseTo(sum, within(1e-5));
      }
    }
  }

  @Test
  void couple_overABaseTower_forwardsBothSidesBaseOutputs() {
    TestParams params = new TestParams(m, 1);
    TestBaseTower queryBase = new TestBaseTower(5);
    TestBaseTower itemBase = new TestBaseTower(5);
    GnolrTower query = wrapper(queryBase);
    GnolrTower item = wrapper(itemBase);
    query.initialize(params.tower(TinyData.split(), Side.QUERY));
    item.initialize(params.tower(TinyData.split(), Side.ITEM));
    long[] ids = {0, 1, 2};
    Forward fwd = Forwards.training(m, 1);
    TowerOutput q = query.encode(Batches.of(TinyData.split()).build(Side.QUERY, ids, m), fwd);
    TowerOutput v = item.encode(Batches.of(TinyData.split()).build(Side.ITEM, ids, m), fwd);
    assertThat(q.embedding().getShape().get(1)).isEqualTo(8);
    Map<String, ai.djl.ndarray.NDArray> labels = Map.of("positive", Tensors.create(m, new float[] {1, 0, 1}));
    query.couple(new Coupling.Pairs(Side.QUERY, q, v, labels, ids, ids, null), fwd);
    TowerOutput qBase = GnolrTower.unpack(q);
    TowerOutput vBase = GnolrTower.unpack(v);
    assertThat(qBase.dim()).isEqualTo(5);
    assertThat(qBase.extras()).containsOnlyKeys("double");
    assertThat(queryBase.coupled.self().embedding().toFloatArray()).containsExactly(qBase.embedding().toFloatArray());
    assertThat(queryBase.coupled.other().embedding().toFloatArray()).containsExactly(vBase.embedding().toFloatArray());
    float expected = qBase.embedding().sub(vBase.embedding()).square().sum(new int[] {1}).mean().getFloat();
    assertThat(fwd.auxLosses().get("base-couple-query").getFloat()).isCloseTo(expected, within(1e-6f));
  }

  @Test
  void encode_inferencePass_carriesNoBaseOutput() {
    TestParams params = new TestParams(m, 1);
    GnolrTower tower = wrapper(new TestBaseTower(5));
    tower.initialize(params.tower(TinyData.split(), Side.ITEM));
    TowerOutput out = tower.encode(Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(3), m),
        Forwards.inference(m));
    assertThat(out.extras()).isEmpty();
    assertThat(GnolrTower.unpack(out)).isSameAs(out);
    assertThat(params.all().keySet()).anyMatch(k -> k.startsWith("model.item-tower.base."));
  }

  @Test
  void incompatibility_overABaseTower_theBaseSeesTheBaseTowers() {
    TestBaseTower queryBase = new TestBaseTower(5);
    TestBaseTower itemBase = new TestBaseTower(5);
    GnolrTower query = wrapper(queryBase);
    GnolrTower item = wrapper(itemBase);
    Compatibility.Parts parts = new Compatibility.Parts(null, query, item, null, null, null, null, null);
    assertThat(query.incompatibility(parts)).isNull();
    assertThat(queryBase.seen.queryTower()).isSameAs(queryBase);
    assertThat(queryBase.seen.itemTower()).isSameAs(itemBase);
    Compatibility.Parts mixed = new Compatibility.Parts(null, KitTower.allFields(4), item, null, null, null, null, null);
    assertThat(item.incompatibility(mixed)).isEqualTo("In the base tower of $.model.tower: the query tower is not a"
        + " base tower");
  }

  @Test
  void initialize_baseWithoutAStatedWidth_refused() {
    GnolrTower tower = wrapper(KitTower.allFields(4));
    assertThatThrownBy(() -> tower.initialize(new TestParams(m, 1).tower(TinyData.split(), Side.QUERY)))
        .isInstanceOf(UserException.class).hasMessageContaining("does not state its output width")
        .hasMessageContaining("$.model.tower.base");
  }

  @Test
  void config_fieldsWithABase_refused() {
    assertThatThrownBy(() -> new GnolrTowerConfig(2, 4, null, List.of("id"), null, null, null,
        new TestBaseTower.Config())).hasMessageContaining("Move them into base");
    assertThatThrownBy(() -> new GnolrTowerConfig(0, null, null, null, null, null, null, null))
        .hasMessageContaining("got 0");
    GnolrTowerConfig d = new GnolrTowerConfig(null, null, null, null, null, null, null, null);
    assertThat(List.of(d.levels(), d.headDim(), d.embeddingDim())).containsExactly(3, 32, 16);
    assertThat(d.hidden()).containsExactly(128, 64);
  }
}
