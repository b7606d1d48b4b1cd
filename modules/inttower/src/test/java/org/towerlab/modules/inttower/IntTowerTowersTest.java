package org.towerlab.modules.inttower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;

class IntTowerTowersTest {
  private static final long[] USERS = {0, 1, 2, 3};
  private static final long[] ITEMS = {0, 1, 2, 3, 4};

  private NDManager root;

  @BeforeEach
  void setUp() {
    root = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    root.close();
  }

  private static float maxAbsGradient(NDArray p) {
    float max = 0f;
    for (float g : p.getGradient().toFloatArray()) {
      max = Math.max(max, Math.abs(g));
    }
    return max;
  }

  private static Map<String, Shape> shapes(Params params) {
    java.util.LinkedHashMap<String, Shape> out = new java.util.LinkedHashMap<>();
    params.all().forEach((k, v) -> out.put(k, v.getShape()));
    return out;
  }

  @Test
  void encode_userTower_givesOneProjectionPerLayerTheLastAsHeadsAndTheirSumAsEmbedding() {
    Fixtures.Towers t = Fixtures.towers(Fixtures.params(root, 1), Fixtures.user(List.of(10, 6), 2, 3, "outputs", 1),
        Fixtures.item(List.of(6), 2, 3));
    TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, USERS, root), Forward.inference(root));
    assertThat(q.layers()).hasSize(2);
    for (NDArray layer : q.layers()) {
      assertThat(layer.getShape()).isEqualTo(new Shape(4, 6));
    }
    assertThat(q.heads().getShape()).isEqualTo(new Shape(4, 2, 3));
    assertThat(q.heads().toFloatArray()).containsExactly(q.layers().get(1).toFloatArray());
    assertThat(q.embedding().toFloatArray())
        .containsExactly(q.layers().get(0).add(q.layers().get(1)).toFloatArray(), within(1e-6f));
    assertThat(t.user().outputDim()).isEqualTo(6);
  }

  @Test
  void initialize_feLayers_projectsLayerOutputsOrLayerInputs() {
    Params outputs = Fixtures.params(root, 2);
    Fixtures.towers(outputs, Fixtures.user(List.of(10, 6), 2, 3, "outputs", 1), Fixtures.item(List.of(6), 2, 3));
    assertThat(shapes(outputs)).containsEntry("model.query-tower.fe.0.weight", new Shape(10, 6))
        .containsEntry("model.query-tower.fe.1.weight", new Shape(6, 6))
        .containsEntry("model.query-tower.light-se.weight", new Shape(2, 2))
        .doesNotContainKey("model.query-tower.fe.2.weight");
    Params inputs = Fixtures.params(root, 2);
    Fixtures.towers(inputs, Fixtures.user(List.of(10, 6), 2, 3, "inputs", 1), Fixtures.item(List.of(6), 2, 3));
    // x0 = 2 fields x 4 dims, then h_1 (10); h_2 is not projected (the official code)
    assertThat(shapes(inputs)).containsEntry("model.query-tower.fe.0.weight", new Shape(8, 6))
        .containsEntry("model.query-tower.fe.1.weight", new Shape(10, 6));
  }

  @Test
  void encode_itemTower_projectsOnlyTheLastLayerIntoHeads() {
    Params params = Fixtures.params(root, 3);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(6), 2, 3, "outputs", 1),
        Fixtures.item(List.of(10, 7), 4, 3));
    TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, ITEMS, root), Forward.inference(root));
    assertThat(v.heads().getShape()).isEqualTo(new Shape(5, 4, 3));
    assertThat(v.embedding().getShape()).isEqualTo(new Shape(5, 12));
    assertThat(v.embedding().toFloatArray()).containsExactly(v.heads().toFloatArray());
    assertThat(v.layers()).isNull();
    assertThat(shapes(params)).containsEntry("model.item-tower.fe.weight", new Shape(7, 12))
        .containsEntry("model.item-tower.light-se.weight", new Shape(2, 2));
  }

  @Test
  void initialize_lightSeOff_createsNoExcitation() {
    Params params = Fixtures.params(root, 4);
    IntTowerItemTowerConfig item = new IntTowerItemTowerConfig(null, 4, false, List.of(6), 2, 3, 0.0, null);
    Fixtures.towers(params, Fixtures.user(List.of(6), 2, 3, "outputs", 1), item);
    assertThat(params.all().keySet()).contains("model.query-tower.light-se.weight")
        .doesNotContain("model.item-tower.light-se.weight");
  }

  @Test
  void itemOutputs_computedWithoutAnyUserInput_equalThoseOfTheJointForward() {
    Fixtures.Towers t = Fixtures.towers(Fixtures.params(root, 5), Fixtures.user(List.of(8, 6), 2, 3, "outputs", 1),
        Fixtures.item(List.of(8, 6), 3, 3));
    FeBlockInteraction fe = new FeBlockInteraction(new FeBlockInteractionConfig(false, null, null, null));
    float[] alone;
    float[] cachedScores;
    try (NDManager m = root.newSubManager()) {
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, ITEMS, m), Forward.inference(m));
      alone = v.heads().toFloatArray();
      // the scorer's path: item outputs cached once, users scored against them
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, USERS, m), Forward.inference(m));
      cachedScores = fe.scoreAll(q, v, Forward.inference(m)).toFloatArray();
    }
    try (NDManager m = root.newSubManager()) {
      // the joint forward, as a training step runs it: users first, then the items, in one pass
      Forward fwd = Forward.inference(m);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, USERS, m), fwd);
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, ITEMS, m), fwd);
      assertThat(v.heads().toFloatArray()).containsExactly(alone);
      // every user against every item through scorePaired (the joint path) equals the cached scores
      long[] rep = new long[USERS.length * ITEMS.length];
      for (int i = 0; i < rep.length; i++) {
        rep[i] = ITEMS[i % ITEMS.length];
      }
      TowerOutput paired = t.item().encode(Fixtures.batch(Side.ITEM, rep, m), fwd);
      float[] joint = fe.scorePaired(q, paired, ITEMS.length, fwd).toFloatArray();
      assertThat(joint).containsExactly(cachedScores, within(1e-5f));
    }
  }

  @Test
  void itemRepresentation_backward_givesZeroGradientToEveryUserTowerParameter() {
    Params params = Fixtures.params(root, 6);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8, 6), 2, 3, "outputs", 1),
        Fixtures.item(List.of(8, 6), 3, 3));
    try (NDManager m = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(m, true, new SplittableRandom(1), 0, 0);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, USERS, m), fwd);
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, ITEMS, m), fwd);
      assertThat(q.embedding().getShape().get(0)).isEqualTo(4);
      gc.backward(v.heads().square().sum()); // any function of the item representation alone
    }
    for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
      float g = maxAbsGradient(e.getValue());
      if (e.getKey().startsWith("model.query-tower.")) {
        assertThat(g).as("gradient of %s", e.getKey()).isZero();
      } else {
        assertThat(g).as("gradient of %s", e.getKey()).isGreaterThan(0f);
      }
    }
  }

  @Test
  void userRepresentation_backward_givesZeroGradientToEveryItemTowerParameter() {
    Params params = Fixtures.params(root, 7);
    Fixtures.Towers t = Fixtures.towers(params, Fixtures.user(List.of(8, 6), 2, 3, "outputs", 1),
        Fixtures.item(List.of(8, 6), 3, 3));
    try (NDManager m = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(m, true, new SplittableRandom(1), 0, 0);
      TowerOutput v = t.item().encode(Fixtures.batch(Side.ITEM, ITEMS, m), fwd);
      TowerOutput q = t.user().encode(Fixtures.batch(Side.QUERY, USERS, m), fwd);
      assertThat(v.embedding().getShape().get(0)).isEqualTo(5);
      NDArray all = q.layers().get(0).square().sum().add(q.layers().get(1).square().sum());
      gc.backward(all);
    }
    for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
      float g = maxAbsGradient(e.getValue());
      if (e.getKey().startsWith("model.item-tower.")) {
        assertThat(g).as("gradient of %s", e.getKey()).isZero();
      } else {
        assertThat(g).as("gradient of %s", e.getKey()).isGreaterThan(0f);
      }
    }
  }

  @Test
  void initialize_wrongSide_throwsUserExceptionNamingTheOtherType() {
    Params params = Fixtures.params(root, 8);
    IntTowerUserTower user = new IntTowerUserTower(Fixtures.user(List.of(6), 2, 3, "outputs", 1), "$.model.item-tower");
    assertThatThrownBy(() -> user.initialize(new InitContext(params.scope("a"), Fixtures.split(), Side.ITEM)))
        .isInstanceOf(UserException.class).hasMessageContaining("inttower-item");
    IntTowerItemTower item = new IntTowerItemTower(Fixtures.item(List.of(6), 2, 3), "$.model.query-tower");
    assertThatThrownBy(() -> item.initialize(new InitContext(params.scope("b"), Fixtures.split(), Side.QUERY)))
        .isInstanceOf(UserException.class).hasMessageContaining("inttower-user");
  }

  @Test
  void configs_badValues_throwNamingTheValue() {
    assertThatThrownBy(() -> new IntTowerUserTowerConfig(null, null, null, null, null, null, "middle", null, null,
        null, null)).hasMessageContaining("'middle'");
    assertThatThrownBy(() -> new IntTowerUserTowerConfig(null, null, null, null, null, null, null, null, null,
        -1.0, null)).hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new IntTowerUserTowerConfig(null, null, null, null, null, null, null, null, null,
        null, 0.0)).hasMessageContaining("cir-temperature");
    assertThatThrownBy(() -> new IntTowerItemTowerConfig(null, null, null, List.of(8, 0), null, null, null, null))
        .hasMessageContaining("[8, 0]");
    IntTowerUserTowerConfig defaults = new IntTowerUserTowerConfig(null, null, null, null, null, null, null, null,
        null, null, null);
    assertThat(defaults.hidden()).containsExactly(300, 300, 128);
    assertThat(defaults.representationDim()).isEqualTo(32 * 64);
    assertThat(defaults.cirTemperature()).isEqualTo(0.07);
  }
}
