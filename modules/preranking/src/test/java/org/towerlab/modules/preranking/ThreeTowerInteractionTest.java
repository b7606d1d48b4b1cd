package org.towerlab.modules.preranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;

class ThreeTowerInteractionTest extends InteractionContract {
  private static final List<PairInput> INPUTS = List.of(new PairInput("category-counts", "category", 3, false),
      new PairInput("genres-counts", "genres", 4, true));

  @Override
  protected Interaction newInteraction() {
    return new ThreeTowerInteraction(new KitDotInteraction(1.0), INPUTS, null, List.of(8));
  }

  /** Random embeddings plus the extras the three-tower towers pass: counts (queries), keys (items). */
  @Override
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    NDArray e = random(manager, new Shape(n, 8), rng);
    if (side == Side.QUERY) {
      float[] cat = new float[n * 3];
      float[] gen = new float[n * 4];
      for (int i = 0; i < cat.length; i++) {
        cat[i] = rng.nextInt(4);
      }
      for (int i = 0; i < gen.length; i++) {
        gen[i] = rng.nextInt(4);
      }
      return new TowerOutput(e, null, null, null, Map.of("pair:category-counts", Tensors.create(manager, cat,
          new Shape(n, 3)), "pair:genres-counts", Tensors.create(manager, gen, new Shape(n, 4))));
    }
    long[] cat = new long[n];
    long[] gen = new long[n * 2];
    for (int i = 0; i < n; i++) {
      cat[i] = rng.nextInt(3);
      gen[i * 2] = 1 + rng.nextInt(4);
      gen[i * 2 + 1] = rng.nextInt(5); // 0 = padding
    }
    return new TowerOutput(e, null, null, null, Map.of("pair-key:category", Tensors.create(manager, cat),
        "pair-key:genres", Tensors.create(manager, gen, new Shape(n, 2))));
  }

  private static TowerOutput query(NDManager m, float[] e, float[] cat, float[] gen) {
    return new TowerOutput(Tensors.create(m, e, new Shape(1, e.length)), null, null, null, Map.of(
        "pair:category-counts", Tensors.create(m, cat, new Shape(1, 3)),
        "pair:genres-counts", Tensors.create(m, gen, new Shape(1, 4))));
  }

  private static TowerOutput items(NDManager m, float[] e, long[] cat, long[] gen) {
    int n = cat.length;
    return new TowerOutput(Tensors.create(m, e, new Shape(n, e.length / n)), null, null, null, Map.of(
        "pair-key:category", Tensors.create(m, cat), "pair-key:genres", Tensors.create(m, gen, new Shape(n, 2))));
  }

  @Test
  void features_countOfTheItemsKeyAndItsShare_meanOverABagKey() {
    try (NDManager m = NDManager.newBaseManager()) {
      ThreeTowerInteraction three = (ThreeTowerInteraction) newInteraction();
      three.initialize(new TestParams(m, 1).interaction(TinyData.split()));
      TowerOutput q = query(m, new float[] {1, 0}, new float[] {2, 0, 1}, new float[] {1, 0, 3, 0});
      // item 0: category 2, genres {0, 2} (ids + 1: 1, 3); item 1: category 0, no genre
      TowerOutput v = items(m, new float[] {1, 0, 0, 1}, new long[] {2, 0}, new long[] {1, 3, 0, 0});

      float[] f = three.features(q, v, 0).toFloatArray(); // [1, 2, 4]

      assertThat(f).containsExactly(new float[] {
          (float) Math.log(2), 1f / 4, (float) Math.log(3), 2f / 5, // item 0: count 1 of 3; mean genre count 2 of 4
          (float) Math.log(3), 2f / 4, 0f, 0f}, within(1e-6f)); // item 1: count 2 of 3; no genre
    }
  }

  @Test
  void scoreAll_silentCrossTower_isExactlyTheTwoTowerScore() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      ThreeTowerInteraction three = (ThreeTowerInteraction) newInteraction();
      three.initialize(params.interaction(TinyData.split()));
      params.all().forEach((k, a) -> {
        if (k.contains("pair-tower.mlp.1.")) {
          a.set(new float[(int) a.size()]); // the last layer: weights and bias 0
        }
      });
      SplittableRandom rng = new SplittableRandom(4);
      TowerOutput q = outputs(Side.QUERY, 3, m, rng);
      TowerOutput v = outputs(Side.ITEM, 5, m, rng);

      float[] scores = three.scoreAll(q, v, Forwards.inference(m)).toFloatArray();
      float[] base = three.base().scoreAll(q, v, Forwards.inference(m)).toFloatArray();

      assertThat(scores).containsExactly(base);
    }
  }

  @Test
  void cost_baseCostPlusTheCrossTower_itemSidePrecomputableAsTheBase() {
    try (NDManager m = NDManager.newBaseManager()) {
      ThreeTowerInteraction three = (ThreeTowerInteraction) newInteraction();
      three.initialize(new TestParams(m, 1).interaction(TinyData.split()));
      SplittableRandom rng = new SplittableRandom(4);
      TowerOutput q = outputs(Side.QUERY, 2, m, rng);
      TowerOutput v = outputs(Side.ITEM, 3, m, rng);
      KitDotInteraction base = new KitDotInteraction(1.0);

      // gathers: 1 (category) + 2*2 (genres bag of 2); features 6 each; MLP 4 -> 8 -> 1: 2*4*8 + 8 and 8 ReLUs, 2*8 + 1
      assertThat(three.flopsPerPair(q, v)).isEqualTo(base.flopsPerPair(q, v) + 1 + 6 + 4 + 6 + 72 + 8 + 17);
      assertThat(three.itemSidePrecomputable()).isTrue();
    }
  }
}
