package org.towerlab.modules.hit;

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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.TowerContract;

class HitTowerTest extends TowerContract {

  /** HIT towers over every field kind of the kit's data; the generators learn through couple. */
  @Override
  protected Tower newTower(Side side) {
    return new HitTower(Fixtures.config(true, null), side == Side.QUERY ? "$.model.query-tower" : "$.model.item-tower");
  }
  private static final long[] QUERIES = {0, 1, 2, 3};
  private static final long[] ITEMS = {0, 1, 2, 5};

  private NDManager root;
  private Params params;
  private HitTower queryTower;
  private HitTower itemTower;

  @BeforeEach
  void setUp() {
    root = NDManager.newBaseManager();
    build(Fixtures.config(false, null));
  }

  @AfterEach
  void tearDown() {
    root.close();
  }

  private void build(HitTowerConfig config) {
    Split split = Fixtures.split();
    params = new Params(root, new SplittableRandom(7));
    queryTower = new HitTower(config, "$.model.query-tower");
    itemTower = new HitTower(config, "$.model.item-tower");
    queryTower.initialize(new InitContext(params.scope("model").scope("query-tower"), split, Side.QUERY));
    itemTower.initialize(new InitContext(params.scope("model").scope("item-tower"), split, Side.ITEM));
  }

  private static boolean isGenerator(String name) {
    return name.contains(".generator-");
  }

  /** Largest absolute gradient of a parameter; 0 when it never entered the graph. */
  private static float maxAbsGradient(NDArray p) {
    float max = 0f;
    for (float g : p.getGradient().toFloatArray()) {
      max = Math.max(max, Math.abs(g));
    }
    return max;
  }

  private void assertGradients(Predicate<String> mustBeZero) {
    for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
      float g = maxAbsGradient(e.getValue());
      if (mustBeZero.test(e.getKey())) {
        assertThat(g).as("gradient of %s", e.getKey()).isZero();
      } else {
        assertThat(g).as("gradient of %s", e.getKey()).isGreaterThan(0f);
      }
    }
  }

  private static Map<String, NDArray> labels(NDManager m, float... y) {
    return Map.of("positive", Tensors.create(m, y));
  }

  @Test
  void encode_trainingBatch_hasHeadsEmbeddingAndGeneratorOutputs() {
    try (NDManager bm = root.newSubManager()) {
      TowerOutput out = queryTower.encode(Fixtures.batch(Side.QUERY, QUERIES, bm), new Forward(bm, true,
          new SplittableRandom(1), 0, 0));
      assertThat(out.heads().getShape()).isEqualTo(new Shape(4, 2, 4));
      assertThat(out.embedding().getShape()).isEqualTo(new Shape(4, 8));
      assertThat(out.extras().get(HitTower.TARGET).getShape()).isEqualTo(new Shape(4, 8));
      assertThat(out.extras().get(HitTower.NON_TARGET).getShape()).isEqualTo(new Shape(4, 8));
      assertThat(out.embedding().toFloatArray()).containsExactly(out.heads().toFloatArray());
      // the generators end with a ReLU (official code): rm >= 0
      for (float v : out.extras().get(HitTower.TARGET).toFloatArray()) {
        assertThat(v).isGreaterThanOrEqualTo(0f);
      }
    }
  }

  @Test
  void mainLoss_backward_givesNoGradientToGeneratorsAndSomeToEveryOtherWeight() {
    MaxSimInteraction maxSim = new MaxSimInteraction(new MaxSimInteractionConfig(null, null));
    try (NDManager bm = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
      TowerOutput q = queryTower.encode(Fixtures.batch(Side.QUERY, QUERIES, bm), fwd);
      TowerOutput a = itemTower.encode(Fixtures.batch(Side.ITEM, ITEMS, bm), fwd);
      NDArray all = maxSim.scoreAll(q, a, fwd); // [4, 4]
      gc.backward(all.logSoftmax(1).get(":, 0").neg().sum());
    }
    assertGradients(HitTowerTest::isGenerator);
  }

  @Test
  void generationLoss_backward_givesGradientOnlyToGenerators() {
    try (NDManager bm = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
      TowerOutput q = queryTower.encode(Fixtures.batch(Side.QUERY, QUERIES, bm), fwd);
      TowerOutput a = itemTower.encode(Fixtures.batch(Side.ITEM, ITEMS, bm), fwd);
      Map<String, NDArray> y = labels(bm, 1, 0, 1, 0); // both labels: every generator learns
      queryTower.couple(q, a, y, fwd);
      itemTower.couple(a, q, y, fwd);
      assertThat(fwd.auxLosses()).containsOnlyKeys("hit-generation-query", "hit-generation-item");
      gc.backward(fwd.auxLosses().get("hit-generation-query").add(fwd.auxLosses().get("hit-generation-item")));
    }
    assertGradients(name -> !isGenerator(name));
  }

  @Test
  void generationLoss_allPositiveBatch_trainsOnlyTheTargetGenerator() {
    try (NDManager bm = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
      TowerOutput q = queryTower.encode(Fixtures.batch(Side.QUERY, QUERIES, bm), fwd);
      TowerOutput a = itemTower.encode(Fixtures.batch(Side.ITEM, ITEMS, bm), fwd);
      queryTower.couple(q, a, labels(bm, 1, 1, 1, 1), fwd);
      gc.backward(fwd.auxLosses().get("hit-generation-query"));
    }
    for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
      float g = maxAbsGradient(e.getValue());
      if (e.getKey().contains("query-tower.generator-target")) {
        assertThat(g).as(e.getKey()).isGreaterThan(0f);
      } else {
        assertThat(g).as(e.getKey()).isZero();
      }
    }
  }

  @Test
  void generationLoss_matchesHandComputedCosines() {
    try (NDManager bm = root.newSubManager()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
      TowerOutput q = queryTower.encode(Fixtures.batch(Side.QUERY, QUERIES, bm), fwd);
      TowerOutput a = itemTower.encode(Fixtures.batch(Side.ITEM, ITEMS, bm), fwd);
      float[] y = {1, 0, 0, 1};
      queryTower.couple(q, a, labels(bm, y), fwd);
      float[] rmT = q.extras().get(HitTower.TARGET).toFloatArray();
      float[] rmN = q.extras().get(HitTower.NON_TARGET).toFloatArray();
      float[] r = a.embedding().toFloatArray();
      double expected = 0;
      for (int i = 0; i < 4; i++) {
        double[] c = {cos(rmT, r, i, 8), cos(rmN, r, i, 8)};
        expected += (y[i] * (1 - c[0]) + (1 - y[i]) * (1 - c[1])) / 4;
      }
      assertThat(fwd.auxLosses().get("hit-generation-query").getFloat()).isCloseTo((float) expected, within(1e-5f));
    }
  }

  @Test
  void generationLoss_officialSignPlusPaperSign_equalsTheWeight() {
    float[] values = new float[2];
    String[] forms = {"one-minus-cos", "official-cos"};
    for (int f = 0; f < 2; f++) {
      build(Fixtures.config(false, forms[f]));
      try (NDManager bm = root.newSubManager()) {
        Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
        TowerOutput q = queryTower.encode(Fixtures.batch(Side.QUERY, QUERIES, bm), fwd);
        TowerOutput a = itemTower.encode(Fixtures.batch(Side.ITEM, ITEMS, bm), fwd);
        queryTower.couple(q, a, labels(bm, 1, 1, 1, 1), fwd);
        values[f] = fwd.auxLosses().get("hit-generation-query").getFloat();
      }
    }
    // weight 1, all y = 1: mean(1 - cos) + mean(cos) = 1
    assertThat(values[0] + values[1]).isCloseTo(1f, within(1e-5f));
    assertThat(values[0]).isNotCloseTo(values[1], within(1e-6f));
  }

  @Test
  void generationLoss_inBatchNegatives_pairsRowWithNextRowAndMasksRepeats() {
    build(Fixtures.config(true, null));
    try (NDManager bm = root.newSubManager()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(1), 0, 0);
      long[] queries = {0, 1, 1, 3}; // rows 1 and 2 share a query: the pair (query row 1, item row 2) is masked
      TowerOutput q = queryTower.encode(Fixtures.batch(Side.QUERY, queries, bm), fwd);
      TowerOutput a = itemTower.encode(Fixtures.batch(Side.ITEM, ITEMS, bm), fwd);
      queryTower.couple(q, a, labels(bm, 1, 1, 1, 1), fwd);
      itemTower.couple(a, q, labels(bm, 1, 1, 1, 1), fwd);
      float[] rmT = q.extras().get(HitTower.TARGET).toFloatArray();
      float[] rmN = q.extras().get(HitTower.NON_TARGET).toFloatArray();
      float[] r = a.embedding().toFloatArray();
      double expected = 0;
      for (int i = 0; i < 4; i++) {
        expected += (1 - cos(rmT, r, i, i, 8)) / 8; // logged pairs, y = 1
        if (i != 1) {
          expected += (1 - cos(rmN, r, i, (i + 1) % 4, 8)) / 8; // in-batch pairs, y = 0
        }
      }
      assertThat(fwd.auxLosses().get("hit-generation-query").getFloat()).isCloseTo((float) expected, within(1e-5f));
      // item side: item row j pairs with query row j - 1; item row 2 (query row 1) is masked
      float[] aT = a.extras().get(HitTower.TARGET).toFloatArray();
      float[] aN = a.extras().get(HitTower.NON_TARGET).toFloatArray();
      float[] u = q.embedding().toFloatArray();
      double expectedItem = 0;
      for (int j = 0; j < 4; j++) {
        expectedItem += (1 - cos(aT, u, j, j, 8)) / 8;
        if (j != 2) {
          expectedItem += (1 - cos(aN, u, j, (j + 3) % 4, 8)) / 8;
        }
      }
      assertThat(fwd.auxLosses().get("hit-generation-item").getFloat())
          .isCloseTo((float) expectedItem, within(1e-5f));
    }
  }

  @Test
  void encode_inference_itemOutputDoesNotDependOnTheRestOfTheBatch() {
    try (NDManager bm = root.newSubManager()) {
      TowerOutput alone = itemTower.encode(Fixtures.batch(Side.ITEM, new long[] {5}, bm), Forward.inference(bm));
      TowerOutput inBatch = itemTower.encode(Fixtures.batch(Side.ITEM, new long[] {2, 7, 5, 0}, bm),
          Forward.inference(bm));
      // equal up to float rounding of the batched matrix product
      assertThat(inBatch.heads().get("2:3").toFloatArray()).containsExactly(alone.heads().toFloatArray(),
          within(1e-6f));
    }
  }

  @Test
  void initialize_unknownGeneratorField_throwsNamingThePath() {
    HitTowerConfig c = new HitTowerConfig(null, List.of("gender"), 8, List.of(16), 8, 2, 4, null, null, null,
        null, null, null, null);
    HitTower t = new HitTower(c, "$.model.query-tower");
    assertThatThrownBy(() -> t.initialize(Fixtures.init(root, Fixtures.split(), Side.QUERY, 1)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("gender").hasMessageContaining("$.model.query-tower.generator-fields");
  }

  @Test
  void config_invalidValues_throwWithTheReceivedValue() {
    assertThatThrownBy(() -> new HitTowerConfig(null, null, null, null, null, 0, null, null, null, null, null, null,
        null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heads").hasMessageContaining("0");
    assertThatThrownBy(() -> new HitTowerConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        "cos", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cos'");
    HitTowerConfig d = new HitTowerConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
    assertThat(d.hidden()).containsExactly(300, 300);
    assertThat(d.representationDim()).isEqualTo(32);
    assertThat(d.generationWeight()).isEqualTo(0.1);
    assertThat(d.generationLoss()).isEqualTo("one-minus-cos");
  }

  private static double cos(float[] a, float[] b, int row, int dim) {
    return cos(a, b, row, row, dim);
  }

  private static double cos(float[] a, float[] b, int ra, int rb, int dim) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < dim; k++) {
      float x = a[ra * dim + k];
      float z = b[rb * dim + k];
      dot += x * z;
      na += x * x;
      nb += z * z;
    }
    return dot / (Math.sqrt(na + 1e-12) * Math.sqrt(nb + 1e-12));
  }
}
