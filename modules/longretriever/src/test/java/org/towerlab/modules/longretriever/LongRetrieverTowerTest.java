package org.towerlab.modules.longretriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.api.testkit.TowerContract;
import org.towerlab.trainers.FeatureBatches;

/** The tower on {@link TinyData#byCategorySplit} (items of category {@code i % 3}; 2 or 3 contexts, length 2). */
class LongRetrieverTowerTest extends TowerContract {
  static final LongRetrieverTowerConfig CONFIG = new LongRetrieverTowerConfig(null, List.of("age"), 4, List.of(6), 5,
      null, null, null);

  @Override
  protected Tower newTower(Side side) {
    return new LongRetrieverTower(CONFIG, "$.model.query-tower");
  }

  @Override
  protected Split split() {
    return TinyData.byCategorySplit(2);
  }

  @Override
  protected List<Side> sides() {
    return List.of(Side.QUERY);
  }

  /** The same tower over the flat recent-L {@code history}: the baseline of the comparison. */
  @Nested
  class OverAFlatSequence extends TowerContract {
    @Override
    protected Tower newTower(Side side) {
      return new LongRetrieverTower(new LongRetrieverTowerConfig("history", List.of("age"), 4, List.of(6), 5, null,
          null, null), "$.model.query-tower");
    }

    @Override
    protected List<Side> sides() {
      return List.of(Side.QUERY);
    }
  }

  private static LongRetrieverTower init(Split split, TestParams params) {
    LongRetrieverTower t = new LongRetrieverTower(CONFIG, "$.model.query-tower");
    t.initialize(params.tower(split, Side.QUERY));
    return t;
  }

  @Test
  void encode_selectedContexts_oneHeadPerContextTheFirstAsEmbeddingAndTheirCategories() {
    Split split = TinyData.byCategorySplit(2);
    try (NDManager m = NDManager.newBaseManager()) {
      LongRetrieverTower tower = init(split, new TestParams(m, 1));
      TowerOutput out = tower.encode(new FeatureBatches(split).build(Side.QUERY, Batches.range(4), null, m),
          Forwards.inference(m));

      assertThat(out.heads().getShape().getShape()).containsExactly(4, 2, 5);
      assertThatArray(out.embedding()).isCloseTo(out.heads().get(":, 0, :"), Tolerance.relative(0, 0));
      // user 0: categories 1, 0; user 1: 0 and an empty slot; user 2: 2 and empty; user 3: 1, 2 (category + 1)
      assertThat(out.extras().get(LongRetrieverTower.CONTEXT_CATEGORY).toLongArray())
          .containsExactly(2, 1, 1, 0, 3, 0, 2, 3);
    }
  }

  @Test
  void encode_serving_numberOfContextVectorsEqualsTheNumberOfSelectedCategories() {
    Split split = TinyData.byCategorySplit(3);
    // distinct training categories: user 0 {0, 1, 2}, user 1 {0}, user 2 {2}, user 3 {1, 2}
    int[] expected = {3, 1, 1, 2};
    try (NDManager m = NDManager.newBaseManager()) {
      LongRetrieverTower tower = init(split, new TestParams(m, 1));
      TowerOutput out = tower.encode(new FeatureBatches(split).build(Side.QUERY, Batches.range(4), null, m),
          Forwards.inference(m));
      long[] cats = out.extras().get(LongRetrieverTower.CONTEXT_CATEGORY).toLongArray(); // [4, 3]
      for (int u = 0; u < 4; u++) {
        long filled = Arrays.stream(Arrays.copyOfRange(cats, 3 * u, 3 * u + 3)).filter(c -> c > 0).count();
        assertThat(filled).as("context vectors of user %d", u).isEqualTo(expected[u]);
      }
    }
  }

  @Test
  void encode_trainingContextAndServingSlotOfOneCategoryAndCutoff_sameVector() {
    Split split = TinyData.byCategorySplit(2);
    FeatureBatches batches = new FeatureBatches(split);
    try (NDManager m = NDManager.newBaseManager()) {
      LongRetrieverTower tower = init(split, new TestParams(m, 1));
      // user 0 at 41 selects categories 1 (two positives) and 0; its training context for target item 3 is category 0
      TowerOutput serving = tower.encode(batches.build(Side.QUERY, new long[] {0}, new long[] {41}, m),
          Forwards.inference(m));
      TowerOutput training = tower.encode(batches.build(Side.QUERY, new long[] {0}, new long[] {41},
          batches.targetCategories(new long[] {3}), m), Forwards.inference(m));
      assertThat(serving.extras().get(LongRetrieverTower.CONTEXT_CATEGORY).toLongArray()).containsExactly(2, 1);
      assertThatArray(training.embedding()).isCloseTo(serving.heads().get(":, 1, :"), Tolerance.relative(1e-5, 1e-6));
    }
  }

  @Test
  void encode_otherCategoryBehavioursAddedOrRemoved_contextVectorUnchanged() {
    Split base = TinyData.byCategorySplit(2);
    Split changed = withUser0Positives(base, new int[] {0, 5, 2}, new long[] {5, 15, 45}, 3);
    try (NDManager m = NDManager.newBaseManager()) {
      LongRetrieverTower tower = init(base, new TestParams(m, 1));
      for (long t : new long[] {11, 35, 41, 100}) {
        int[][] category1 = {{1}};
        TowerOutput a = tower.encode(new FeatureBatches(base).build(Side.QUERY, new long[] {0}, new long[] {t},
            category1, m), Forwards.inference(m));
        TowerOutput b = tower.encode(new FeatureBatches(changed).build(Side.QUERY, new long[] {0}, new long[] {t},
            category1, m), Forwards.inference(m));
        assertThatArray(b.embedding()).as("e_u^1 of user 0 at %d", t).isCloseTo(a.embedding(),
            Tolerance.relative(1e-6, 1e-7));
      }
    }
  }

  /** {@code split} with user 0's positive of item {@code drop} removed and positives of {@code items} at {@code times} added. */
  static Split withUser0Positives(Split split, int[] items, long[] times, int drop) {
    InteractionLog train = split.train();
    InteractionLog kept = train.select(java.util.stream.IntStream.range(0, train.size())
        .filter(r -> !(train.queries()[r] == 0 && train.items()[r] == drop)).toArray());
    int n = kept.size();
    int k = items.length;
    int[] q = Arrays.copyOf(kept.queries(), n + k);
    int[] it = Arrays.copyOf(kept.items(), n + k);
    long[] ts = Arrays.copyOf(kept.timestamps(), n + k);
    for (int j = 0; j < k; j++) {
      q[n + j] = 0;
      it[n + j] = items[j];
      ts[n + j] = times[j];
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    for (String name : kept.labelNames()) {
      float[] v = Arrays.copyOf(kept.label(name), n + k);
      Arrays.fill(v, n, n + k, 1f);
      labels.put(name, v);
    }
    return new Split(split.protocol(), split.settings(), split.dataset(),
        new InteractionLog(q, it, ts, labels, null, null, null), split.valid(), split.test(), "positive");
  }

  @Test
  void initialize_itemSide_userError() {
    try (NDManager m = NDManager.newBaseManager()) {
      LongRetrieverTower t = new LongRetrieverTower(CONFIG, "$.model.item-tower");
      assertThatThrownBy(() -> t.initialize(new TestParams(m, 1).tower(TinyData.byCategorySplit(2), Side.ITEM)))
          .isInstanceOf(UserException.class).hasMessageContaining("$.model.item-tower");
    }
  }

  @Test
  void initialize_unknownOrAmbiguousSequence_userErrorNamingTheFields() {
    try (NDManager m = NDManager.newBaseManager()) {
      LongRetrieverTower unknown = new LongRetrieverTower(new LongRetrieverTowerConfig("clicks", null, null, null, null,
          null, null, null), "$.model.query-tower");
      assertThatThrownBy(() -> unknown.initialize(new TestParams(m, 1).tower(TinyData.byCategorySplit(2), Side.QUERY)))
          .isInstanceOf(UserException.class).hasMessageContaining("clicks").hasMessageContaining("category-history");
      // without a by-category field the only sequence (history) is the default
      LongRetrieverTower flat = new LongRetrieverTower(new LongRetrieverTowerConfig(null, null, 4, List.of(), 3,
          null, null, null), "$.model.query-tower");
      flat.initialize(new TestParams(m, 1).tower(TinyData.split(), Side.QUERY));
      TowerOutput out = flat.encode(Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), m),
          Forwards.inference(m));
      assertThat(out.heads().getShape().getShape()).containsExactly(4, 1, 3);
      assertThat(out.extras()).doesNotContainKey(LongRetrieverTower.CONTEXT_CATEGORY);
    }
  }

  @Test
  void fieldEncoder_byCategoryFieldNamed_refusedAndLeftOutByDefault() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      assertThatThrownBy(() -> new org.towerlab.api.nn.FieldEncoder(params.tower(TinyData.byCategorySplit(2),
          Side.QUERY), List.of("category-history"), 4, 0.1, "$.model.query-tower"))
          .isInstanceOf(UserException.class).hasMessageContaining("by-category");
      var all = new org.towerlab.api.nn.FieldEncoder(params.tower(TinyData.byCategorySplit(2), Side.QUERY), null, 4, 0.1,
          "$.model.query-tower");
      assertThat(all.fields().stream().map(f -> f.name()).toList()).doesNotContain("category-history")
          .contains("history");
    }
  }
}
