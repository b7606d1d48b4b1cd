package org.towerlab.modules.longretriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;

/** Items are TinyData's six, of category {@code i % 3}. */
class MultiContextInteractionTest extends InteractionContract {

  @Override
  protected Interaction newInteraction() {
    return new MultiContextInteraction(new MultiContextInteractionConfig(0.1, 4, null, null), "$.model.interaction");
  }

  private static MultiContextInteraction init(MultiContextInteractionConfig config, Split split, NDManager m) {
    MultiContextInteraction i = new MultiContextInteraction(config, "$.model.interaction");
    i.initialize(new TestParams(m, 1).interaction(split));
    return i;
  }

  /** Item j at angle 30 j degrees on the unit circle (scaled, so the cosine's normalization matters). */
  private static TowerOutput items(NDManager m) {
    float[] v = new float[12];
    for (int j = 0; j < 6; j++) {
      v[2 * j] = (float) (2 * Math.cos(Math.toRadians(30 * j)));
      v[2 * j + 1] = (float) (2 * Math.sin(Math.toRadians(30 * j)));
    }
    return TowerOutput.of(Tensors.create(m, v, new Shape(6, 2)));
  }

  /** Heads at the given angles (degrees) {@code [Q, K, 2]}, with the contexts' categories + 1. */
  private static TowerOutput queries(NDManager m, double[][] angles, long[][] categories) {
    int q = angles.length;
    int k = angles[0].length;
    float[] h = new float[q * k * 2];
    long[] c = new long[q * k];
    for (int i = 0; i < q; i++) {
      for (int j = 0; j < k; j++) {
        h[(i * k + j) * 2] = (float) Math.cos(Math.toRadians(angles[i][j]));
        h[(i * k + j) * 2 + 1] = (float) Math.sin(Math.toRadians(angles[i][j]));
        c[i * k + j] = categories[i][j];
      }
    }
    var heads = Tensors.create(m, h, new Shape(q, k, 2));
    return new TowerOutput(heads.get(":, 0, :"), heads, null, null,
        Map.of(LongRetrieverTower.CONTEXT_CATEGORY, Tensors.create(m, c, new Shape(q, k))));
  }

  @Test
  void rankCorpus_twoContexts_eachRetrievesItsQuotaFromItsCategoryMergedByScore() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultiContextInteraction inter = init(new MultiContextInteractionConfig(0.1, 3, List.of(2.0, 1.0), true),
          TinyData.split(), m);
      // context 0 (category 0: items 0, 3) points at 80 degrees; context 1 (category 2: items 2, 5) at 150
      TowerOutput q = queries(m, new double[][] {{80, 150}}, new long[][] {{1, 3}});
      int[] order = inter.rankCorpus(q, items(m), null, Forwards.inference(m))[0];
      // quotas 2, 1. Context 0: item 3 (90 deg, cos 10 deg) then item 0 (cos 80 deg); context 1: item 5 (cos 0).
      // merged by retrieving score: 5 (1.0), 3 (0.985), 0 (0.174).
      // tail by the best cosine over both contexts: item 2 (60 deg: cos 20 = 0.940 to context 0),
      // item 4 (120 deg: cos 30 = 0.866 to context 1), item 1 (30 deg: cos 50 = 0.643 to context 0)
      assertThat(order).containsExactly(5, 3, 0, 2, 4, 1);
    }
  }

  @Test
  void rankCorpus_emptySlotsAndExcludedItems_onlyTheSelectedContextsTakeQuotas() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultiContextInteraction inter = init(new MultiContextInteractionConfig(0.1, 2, null, true), TinyData.split(), m);
      // one real context (category 1: items 1, 4) and an empty slot pointing anywhere
      TowerOutput q = queries(m, new double[][] {{0, 0}}, new long[][] {{2, 0}});
      int[] order = inter.rankCorpus(q, items(m), new int[][] {{4}}, Forwards.inference(m))[0];
      // the whole budget of 2 goes to category 1, item 4 is excluded: item 1 only; then the tail by the cosine
      // to 0 deg (items 0, 2, 3, 5), then the excluded item
      assertThat(order).containsExactly(1, 0, 2, 3, 5, 4);
    }
  }

  @Test
  void rankCorpus_withoutContexts_theCosineOrderOfTheEmbedding() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultiContextInteraction inter = init(new MultiContextInteractionConfig(0.1, 2, null, true), TinyData.split(), m);
      float[] e = {0.3f, 0.9f, -1f, 0.2f};
      TowerOutput q = TowerOutput.of(Tensors.create(m, e, new Shape(2, 2)));
      int[][] order = inter.rankCorpus(q, items(m), new int[][] {null, {0}}, Forwards.inference(m));
      float[] s = inter.scoreAll(q, items(m), Forwards.inference(m)).toFloatArray(); // [2, 6]
      assertThat(order[0]).containsExactly(MultiContextMerge.order(Arrays.copyOfRange(s, 0, 6), null));
      assertThat(order[1]).containsExactly(MultiContextMerge.order(Arrays.copyOfRange(s, 6, 12), new int[] {0}));
      // no context at all (every slot empty) is ranked by the first head, the embedding, too
      TowerOutput none = queries(m, new double[][] {{50, 200}}, new long[][] {{0, 0}});
      float[] s2 = inter.scoreAll(none, items(m), Forwards.inference(m)).toFloatArray();
      assertThat(inter.rankCorpus(none, items(m), null, Forwards.inference(m))[0])
          .containsExactly(MultiContextMerge.order(s2, null));
    }
  }

  @Test
  void rankCorpus_oneUnrestrictedContext_theCosineOrderOfThatContext() {
    try (NDManager m = NDManager.newBaseManager()) {
      MultiContextInteraction inter = init(new MultiContextInteractionConfig(0.1, 3, null, false), TinyData.split(), m);
      TowerOutput q = queries(m, new double[][] {{100}}, new long[][] {{2}});
      float[] s = inter.scoreAll(q, items(m), Forwards.inference(m)).toFloatArray();
      assertThat(inter.rankCorpus(q, items(m), null, Forwards.inference(m))[0])
          .containsExactly(MultiContextMerge.order(s, null));
    }
  }

  @Test
  void flopsPerPair_restrictedOnePerPairElseOnePerContext() {
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput q = queries(m, new double[][] {{0, 10, 20}}, new long[][] {{1, 2, 3}});
      assertThat(init(new MultiContextInteractionConfig(null, null, null, true), TinyData.split(), m)
          .flopsPerPair(q, items(m))).isEqualTo(5);
      assertThat(init(new MultiContextInteractionConfig(null, null, null, false), TinyData.split(), m)
          .flopsPerPair(q, items(m))).isEqualTo(15);
    }
  }

  @Test
  void initialize_fewerQuotasThanContextsOrNoCategories_userError() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> init(new MultiContextInteractionConfig(null, null, List.of(1.0, 1.0), null),
          TinyData.byCategorySplit(3), m)).isInstanceOf(UserException.class)
          .hasMessageContaining("$.model.interaction.quotas").hasMessageContaining("3");
      Split s = TinyData.split();
      Dataset d = s.dataset();
      Split noCategories = new Split(s.protocol(), s.settings(), new Dataset(d.name(), d.queryKind(), d.schema(),
          d.queryFeatures(), d.itemFeatures(), d.log(), null, d.files(), d.groundTruth()), s.train(), s.valid(),
          s.test(), "positive");
      assertThatThrownBy(() -> init(new MultiContextInteractionConfig(null, null, null, null), noCategories, m))
          .isInstanceOf(UserException.class).hasMessageContaining("no item categories");
    }
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new MultiContextInteractionConfig(null, 0, null, null)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> new MultiContextInteractionConfig(null, null, List.of(1.0, -1.0), null))
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new MultiContextInteractionConfig(-0.1, null, null, null)).hasMessageContaining("-0.1");
  }
}
