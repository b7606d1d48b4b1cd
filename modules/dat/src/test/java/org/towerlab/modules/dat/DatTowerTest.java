package org.towerlab.modules.dat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TowerContract;

class DatTowerTest extends TowerContract {

  /**
   * The contract's towers: augmented vectors and mimic on both sides, CAL on the item side. 16
   * hidden units, not 8: with 8, every hidden ReLU is dead at this seed for the contract's item
   * batch (the kit's dense {@code content} goes up to 5.5 unscaled), the output is the zero vector
   * and only the last bias gets gradient (about 1e6, from the normalization at 0). That is a small
   * ReLU MLP meeting a large unscaled feature, not a DAT defect.
   */
  @Override
  protected Tower newTower(Side side) {
    return new DatTower(new DatTowerConfig(null, 4, List.of(16), 4, null, null, 4, 0.5,
        side == Side.ITEM ? 1.0 : 0.0, true, null), side == Side.QUERY ? "$.model.query-tower" : "$.model.item-tower");
  }
  private NDManager manager;
  private Split split;
  private Params params;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    split = Splits.grouped(6, 8, 3, 40, 1, true);
    params = new Params(manager, new SplittableRandom(1)).scope("model");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static DatTowerConfig config(int augment, double mimic, double cal, boolean normalize) {
    return new DatTowerConfig(null, 4, List.of(8), 4, null, null, augment, mimic, cal, normalize, null);
  }

  private DatTower tower(DatTowerConfig config, Side side) {
    String key = side == Side.QUERY ? "query-tower" : "item-tower";
    DatTower t = new DatTower(config, "$.model." + key);
    t.initialize(new InitContext(params.scope(key), split, side));
    return t;
  }

  private Map<String, NDArray> named(String prefix) {
    Map<String, NDArray> out = new java.util.LinkedHashMap<>();
    params.all().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static boolean allZero(NDArray gradient) {
    for (float g : gradient.toFloatArray()) {
      if (g != 0f) {
        return false;
      }
    }
    return true;
  }

  private NDArray ones(NDManager m, int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return Tensors.create(m, v);
  }

  @Test
  void encode_defaultNormalize_givesUnitRowsAndTheIdsAugmentedVectors() {
    DatTower t = tower(config(4, 0.5, 0, true), Side.QUERY);
    long[] users = Batches.ids(0, 3, 5);
    try (NDManager bm = manager.newSubManager()) {
      TowerOutput out = t.encode(Batches.of(split).build(Side.QUERY, users, bm), Forward.inference(bm));
      assertThat(out.embedding().getShape()).isEqualTo(new Shape(3, 4));
      assertThat(out.extras().get(DatTower.AUGMENTED).getShape()).isEqualTo(new Shape(3, 4));
      float[] norms = out.embedding().square().sum(new int[] {1}).toFloatArray();
      for (float n : norms) {
        assertThat(n).isCloseTo(1f, within(1e-5f));
      }
      float[] table = params.all().get("model.query-tower.augment").toFloatArray();
      float[] a = out.extras().get(DatTower.AUGMENTED).toFloatArray();
      for (int i = 0; i < users.length; i++) {
        for (int j = 0; j < 4; j++) {
          assertThat(a[i * 4 + j]).isEqualTo(table[(int) users[i] * 4 + j]);
        }
      }
    }
  }

  @Test
  void encode_augmentOffAndWeightsZero_equalsPlainMlpTowerWithTheSameParameters() {
    DatTower t = tower(config(0, 0, 0, false), Side.ITEM);
    // The baseline MlpTower's computation (FieldEncoder then Mlp), from a parameter set drawn with the same seed.
    Params ref = new Params(manager, new SplittableRandom(1)).scope("model");
    InitContext ctx = new InitContext(ref.scope("item-tower"), split, Side.ITEM);
    FieldEncoder fields = new FieldEncoder(ctx, null, 4, 0.1, "$.ref");
    Mlp mlp = new Mlp(ctx.params(), "mlp", List.of(fields.width(), 8, 4), 0.0);
    assertThat(ref.all().keySet()).isEqualTo(params.all().keySet());
    long[] items = Batches.ids(0, 1, 2, 5, 7);
    try (NDManager bm = manager.newSubManager()) {
      FeatureBatch fb = Batches.of(split).build(Side.ITEM, items, bm);
      Forward fwd = new Forward(bm, true, new SplittableRandom(3), 0, 0);
      TowerOutput out = t.encode(fb, fwd);
      float[] expected = mlp.forward(fields.encode(fb), fwd).toFloatArray();
      assertThat(out.embedding().toFloatArray()).containsExactly(expected);
      assertThat(out.extras()).isEmpty();
      assertThat(fwd.auxLosses()).isEmpty();
    }
  }

  @Test
  void couple_allNegativeBatch_mimicIsZeroAndGivesNoGradient() {
    DatTower q = tower(config(4, 0.5, 0, true), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1, 2), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, Batches.ids(3, 4, 5), bm), fwd);
      Map<String, NDArray> labels = Map.of("positive", Tensors.create(bm, new float[] {0f, 0f, 0f}));
      q.couple(qo, io, labels, fwd);
      it.couple(io, qo, labels, fwd);
      NDArray mimic = fwd.auxLosses().get("dat-mimic-query").add(fwd.auxLosses().get("dat-mimic-item"));
      assertThat(mimic.getFloat()).isZero();
      gc.backward(mimic);
    }
    assertThat(allZero(params.all().get("model.query-tower.augment").getGradient())).isTrue();
    assertThat(allZero(params.all().get("model.item-tower.augment").getGradient())).isTrue();
  }

  @Test
  void couple_mimicGradient_reachesOwnAugmentedVectorsOnly() {
    DatTower q = tower(config(4, 0.5, 0, true), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    assertThat(q.mimicLossName()).isEqualTo("dat-mimic-query");
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1, 2, 4), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, Batches.ids(3, 4, 5, 6), bm), fwd);
      q.couple(qo, io, Map.of("positive", ones(bm, 4)), fwd);
      gc.backward(fwd.auxLosses().get("dat-mimic-query"));
    }
    Map<String, NDArray> queryParams = named("model.query-tower.");
    assertThat(allZero(queryParams.remove("model.query-tower.augment").getGradient())).isFalse();
    assertThat(queryParams).isNotEmpty();
    queryParams.forEach((name, p) -> assertThat(allZero(p.getGradient())).as(name).isTrue());
    named("model.item-tower.").forEach((name, p) -> assertThat(allZero(p.getGradient())).as(name).isTrue());
  }

  @Test
  void mainLoss_gradient_reachesTheTowersThatTheMimicTermMustNotTouch() {
    // Shows the previous test can fail: the same parameters do get gradient from a score term.
    DatTower q = tower(config(4, 0.5, 0, true), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1, 2, 4), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, Batches.ids(3, 4, 5, 6), bm), fwd);
      gc.backward(qo.embedding().mul(io.embedding()).sum());
    }
    assertThat(allZero(params.all().get("model.item-tower.mlp.0.weight").getGradient())).isFalse();
    assertThat(allZero(params.all().get("model.query-tower.mlp.0.weight").getGradient())).isFalse();
    assertThat(allZero(params.all().get("model.query-tower.augment").getGradient())).isFalse();
  }

  @Test
  void couple_itemTower_mimicGradientIsTwoLambdaTimesDifferenceOverT() {
    DatTower q = tower(config(4, 0.5, 0, true), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    long[] items = Batches.ids(1, 3, 5, 7);
    float[] y = {1f, 0f, 1f, 1f};
    float[] a;
    float[] p;
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1, 2, 3), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, items, bm), fwd);
      it.couple(io, qo, Map.of("positive", Tensors.create(bm, y)), fwd);
      gc.backward(fwd.auxLosses().get("dat-mimic-item"));
      a = io.extras().get(DatTower.AUGMENTED).toFloatArray();
      p = qo.embedding().toFloatArray();
    }
    float[] grad = params.all().get("model.item-tower.augment").getGradient().toFloatArray(); // [8, 4]
    int t = items.length;
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < 4; j++) {
        float expected = 2 * 0.5f * y[i] * (a[i * 4 + j] - p[i * 4 + j]) / t;
        assertThat(grad[(int) items[i] * 4 + j]).isCloseTo(expected, within(1e-6f));
      }
    }
    assertThat(grad[0]).isZero(); // item 0 is not in the batch
  }

  @Test
  void couple_handBuiltOutputs_givesTheHandCheckedValue() {
    DatTower q = new DatTower(new DatTowerConfig(null, 2, List.of(), 2, null, null, 2, 0.5, 0.0, true, null), "$.q");
    q.initialize(new InitContext(params.scope("q"), split, Side.QUERY));
    try (NDManager bm = manager.newSubManager()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      NDArray a = Tensors.create(bm, new float[] {1, 2, 3, 4}, new Shape(2, 2));
      NDArray other = Tensors.create(bm, new float[] {1, 0, 0, 0}, new Shape(2, 2));
      TowerOutput self = new TowerOutput(a, null, null, null, Map.of(DatTower.AUGMENTED, a));
      q.couple(self, TowerOutput.of(other), Map.of("positive", Tensors.create(bm, new float[] {1f, 0f})), fwd);
      // 0.5 * (1/2) * (|(1,2) - (1,0)|^2 + 0 * |(3,4)|^2) = 0.5 * 0.5 * 4 = 1
      assertThat(fwd.auxLosses().get("dat-mimic-query").getFloat()).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void couple_inference_addsNothing() {
    DatTower q = tower(config(4, 0.5, 0, true), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    try (NDManager bm = manager.newSubManager()) {
      Forward fwd = Forward.inference(bm);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, Batches.ids(3, 4), bm), fwd);
      q.couple(qo, io, Map.of("positive", ones(bm, 2)), fwd);
      assertThat(fwd.auxLosses()).isEmpty();
    }
  }

  @Test
  void couple_augmentWidthDiffersFromOtherOutput_throwsUserExceptionNamingAugmentDim() {
    DatTower q = tower(new DatTowerConfig(null, 4, List.of(8), 4, null, null, 3, 0.5, 0.0, true, null), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    try (NDManager bm = manager.newSubManager()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, Batches.ids(3, 4), bm), fwd);
      assertThatThrownBy(() -> q.couple(qo, io, Map.of("positive", ones(bm, 2)), fwd))
          .isInstanceOf(UserException.class)
          .hasMessageContaining("$.model.query-tower.augment-dim")
          .hasMessageContaining("augment-dim 3");
    }
  }

  @Test
  void couple_missingLabel_throwsUserExceptionListingTheLabels() {
    DatTower q = tower(new DatTowerConfig(null, 4, List.of(8), 4, null, null, 4, 0.5, 0.0, true, "click"), Side.QUERY);
    DatTower it = tower(config(4, 0.5, 0, true), Side.ITEM);
    try (NDManager bm = manager.newSubManager()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput qo = q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1), bm), fwd);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, Batches.ids(3, 4), bm), fwd);
      assertThatThrownBy(() -> q.couple(qo, io, Map.of("positive", ones(bm, 2)), fwd))
          .isInstanceOf(UserException.class)
          .hasMessageContaining("'click'")
          .hasMessageContaining("[positive]");
    }
  }

  @Test
  void initialize_calOnQueryTower_throwsUserException() {
    assertThatThrownBy(() -> tower(config(4, 0.5, 1.0, true), Side.QUERY))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.model.query-tower.cal-weight");
  }

  @Test
  void initialize_calWithoutItemCategories_throwsUserException() {
    split = Splits.grouped(6, 8, 3, 40, 1, false);
    assertThatThrownBy(() -> tower(config(4, 0.5, 1.0, true), Side.ITEM))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("no item categories")
        .hasMessageContaining("cal-weight: 0");
  }

  @Test
  void encode_itemTowerWithCal_addsWeightedCalWhoseGradientReachesTheTower() {
    DatTower it = tower(config(4, 0.5, 2.0, true), Side.ITEM);
    long[] items = Batches.ids(0, 3, 6, 1, 4, 7, 2); // genres 0,0,0,1,1,1,2 (genre 2 is a singleton)
    int[] genres = {0, 0, 0, 1, 1, 1, 2};
    try (NDManager bm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Forward fwd = new Forward(bm, true, new SplittableRandom(2), 0, 0);
      TowerOutput io = it.encode(Batches.of(split).build(Side.ITEM, items, bm), fwd);
      NDArray cal = fwd.auxLosses().get(DatTower.CAL_LOSS);
      float expected = 2f * CategoryAlignment.loss(io.embedding(), genres, bm).getFloat();
      assertThat(cal.getFloat()).isPositive().isCloseTo(expected, within(1e-6f));
      gc.backward(cal);
    }
    assertThat(allZero(params.all().get("model.item-tower.mlp.0.weight").getGradient())).isFalse();
    assertThat(allZero(params.all().get("model.item-tower.emb.genre").getGradient())).isFalse();
    try (NDManager bm = manager.newSubManager()) {
      Forward inference = Forward.inference(bm);
      it.encode(Batches.of(split).build(Side.ITEM, items, bm), inference);
      assertThat(inference.auxLosses()).isEmpty();
    }
  }

  @Test
  void encode_sameSeed_isDeterministic() {
    List<float[]> outs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      params = new Params(manager, new SplittableRandom(5)).scope("model");
      DatTower q = tower(new DatTowerConfig(null, 4, List.of(8), 4, 0.3, null, 4, 0.5, 0.0, true, null), Side.QUERY);
      try (NDManager bm = manager.newSubManager()) {
        Forward fwd = new Forward(bm, true, new SplittableRandom(9), 0, 0);
        outs.add(q.encode(Batches.of(split).build(Side.QUERY, Batches.ids(0, 1, 2), bm), fwd).embedding().toFloatArray());
      }
    }
    assertThat(outs.get(0)).containsExactly(outs.get(1));
  }
}
