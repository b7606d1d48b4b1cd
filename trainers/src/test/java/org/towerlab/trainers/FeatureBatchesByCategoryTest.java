package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.TinyData;

/**
 * By-category sequences (LongRetriever's per-category sub-sequences) on {@link TinyData#byCategorySplit}:
 * items have category {@code i % 3}; field {@code category-history}, length 2, 2 contexts by frequency.
 */
class FeatureBatchesByCategoryTest {
  private static final String FIELD = "category-history";
  private static final String CATEGORIES = FieldSpec.categoryField(FIELD);

  @Test
  void build_targetCategories_oneContextOfTheTargetsCategoryStrictlyBeforeTheExample() {
    FeatureBatches batches = new FeatureBatches(TinyData.byCategorySplit(2));
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.QUERY, new long[] {0, 0, 3}, new long[] {41, 30, 13},
          batches.targetCategories(new long[] {4, 1, 5}), m);

      assertThat(b.field(FIELD).getShape()).isEqualTo(new Shape(3, 1, 2));
      assertThat(b.field(FIELD).toLongArray()).containsExactly(
          2, 5, // user 0 at 41, target item 4 (category 1): items 1 (t10) and 4 (t40)
          0, 2, // user 0 at 30, target item 1 (category 1): item 1 only; items 2 (cat 2) and 3 (cat 0) are other categories
          0, 3); // user 3 at 13, target item 5 (category 2): item 2 (t12); item 1 (t12) is category 1
      assertThat(b.field(CATEGORIES).toLongArray()).containsExactly(2, 2, 3); // category + 1
      // the flat sequence is unchanged by the request
      assertThat(b.field("history").getShape()).isEqualTo(new Shape(3, 3));
    }
  }

  @Test
  void build_noRequest_theSelectedContextsOfTheWholeHistoryEmptySlotsPadded() {
    FeatureBatches batches = new FeatureBatches(TinyData.byCategorySplit(2));
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.QUERY, Batches.range(4), null, m);

      assertThat(b.field(FIELD).getShape()).isEqualTo(new Shape(4, 2, 2));
      assertThat(b.field(FIELD).toLongArray()).containsExactly(
          2, 5, 0, 4, // user 0: category 1 (two positives), then category 0 (last at 30, later than category 2's 20)
          0, 1, 0, 0, // user 1: category 0 only; the second slot is empty
          0, 6, 0, 0, // user 2: category 2 only
          0, 2, 0, 3); // user 3: categories 1 and 2 tie (one each, both at 12): lower id first
      assertThat(b.field(CATEGORIES).toLongArray()).containsExactly(2, 1, 1, 0, 3, 0, 2, 3);
    }
  }

  @Test
  void build_sameQueryCategoryAndCutoff_trainingRequestedAndSelectedContextsAreIdentical() {
    Split split = TinyData.byCategorySplit(3);
    FeatureBatches batches = new FeatureBatches(split);
    long[] cutoffs = {0, 5, 12, 13, 20, 21, 30, 31, 40, 41, 95, Long.MAX_VALUE};
    try (NDManager m = NDManager.newBaseManager()) {
      for (int q = 0; q < TinyData.USERS; q++) {
        for (long t : cutoffs) {
          FeatureBatch selected = batches.build(Side.QUERY, new long[] {q}, new long[] {t}, m);
          long[] slots = selected.field(FIELD).toLongArray(); // [1, 3, 2]
          long[] cats = selected.field(CATEGORIES).toLongArray(); // [1, 3]
          for (int item = 0; item < TinyData.ITEMS; item++) {
            int c = TinyData.itemCategory()[item];
            long[] training = batches.build(Side.QUERY, new long[] {q}, new long[] {t},
                batches.targetCategories(new long[] {item}), m).field(FIELD).toLongArray();
            long[] requested = batches.build(Side.QUERY, new long[] {q}, new long[] {t}, new int[][] {{c}}, m)
                .field(FIELD).toLongArray();
            String as = "user " + q + ", category " + c + ", cutoff " + t;
            assertThat(requested).as(as + ": requested vs training").containsExactly(training);
            for (int j = 0; j < 3; j++) {
              if (cats[j] == c + 1) {
                assertThat(Arrays.copyOfRange(slots, 2 * j, 2 * j + 2)).as(as + ": selected slot vs training")
                    .containsExactly(training);
              }
            }
            if (t == Long.MAX_VALUE) {
              long[] evaluation = batches.build(Side.QUERY, new long[] {q}, null, new int[][] {{c}}, m)
                  .field(FIELD).toLongArray();
              assertThat(evaluation).as(as + ": no times = the whole history").containsExactly(training);
            }
          }
        }
      }
    }
  }

  @Test
  void build_everyQueryCutoffAndRequest_agreesWithTheKitsReferenceBuilder() {
    Split split = TinyData.byCategorySplit(2);
    FeatureBatches batches = new FeatureBatches(split);
    Batches reference = Batches.of(split);
    long[] ids = {0, 1, 2, 3, 0, 3, 0, 0};
    long[] times = {35, 1000, 16, 13, 41, 12, 11, Long.MAX_VALUE};
    int[][] requests = {{2, 0}, {1}, {2}, {0, 1}, {1, -1}, {2}, {0}, {2, 1}};
    try (NDManager m = NDManager.newBaseManager()) {
      for (int[][] req : new int[][][] {null, requests}) {
        FeatureBatch fast = batches.build(Side.QUERY, ids, times, req, m);
        FeatureBatch slow = reference.build(Side.QUERY, ids, times, req, m);
        assertThat(fast.fields().keySet()).isEqualTo(slow.fields().keySet());
        for (String f : fast.fields().keySet()) {
          assertThat(fast.field(f).getShape()).as(f).isEqualTo(slow.field(f).getShape());
          if (fast.field(f).getDataType().isInteger()) {
            assertThat(fast.field(f).toLongArray()).as("%s (requests %s)", f, req == null ? "none" : "given")
                .containsExactly(slow.field(f).toLongArray());
          }
        }
      }
    }
  }

  @Test
  void build_otherCategoryBehavioursAddedOrRemoved_subsequenceUnchanged() {
    Split base = TinyData.byCategorySplit(2);
    // user 0 trains on categories 1 (items 1, 4), 2 (item 2) and 0 (item 3): drop item 3 (category 0) and add
    // category-0 and category-2 positives before, between and after its category-1 behaviours
    InteractionLog train = base.train();
    int[] keep = java.util.stream.IntStream.range(0, train.size())
        .filter(r -> !(train.queries()[r] == 0 && train.items()[r] == 3)).toArray();
    InteractionLog kept = train.select(keep);
    int n = kept.size();
    int[] q = Arrays.copyOf(kept.queries(), n + 4);
    int[] it = Arrays.copyOf(kept.items(), n + 4);
    long[] ts = Arrays.copyOf(kept.timestamps(), n + 4);
    int[] addItems = {0, 5, 3, 2};
    long[] addTimes = {5, 15, 39, 45};
    for (int j = 0; j < 4; j++) {
      q[n + j] = 0;
      it[n + j] = addItems[j];
      ts[n + j] = addTimes[j];
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    for (String name : kept.labelNames()) {
      float[] v = Arrays.copyOf(kept.label(name), n + 4);
      Arrays.fill(v, n, n + 4, 1f);
      labels.put(name, v);
    }
    Split changed = new Split(base.protocol(), base.settings(), base.dataset(),
        new InteractionLog(q, it, ts, labels, null, null, null), base.valid(), base.test(), "positive");
    FeatureBatches a = new FeatureBatches(base);
    FeatureBatches b = new FeatureBatches(changed);
    try (NDManager m = NDManager.newBaseManager()) {
      for (long t : new long[] {5, 10, 11, 30, 40, 41, 100}) {
        int[][] cat1 = {{1}};
        long[] before = a.build(Side.QUERY, new long[] {0}, new long[] {t}, cat1, m).field(FIELD).toLongArray();
        long[] after = b.build(Side.QUERY, new long[] {0}, new long[] {t}, cat1, m).field(FIELD).toLongArray();
        assertThat(after).as("user 0's category-1 context at %d", t).containsExactly(before);
      }
      // which contexts are selected does change: category 2 now has three positives, category 1 two (last at 40)
      assertThat(b.build(Side.QUERY, new long[] {0}, null, m).field(CATEGORIES).toLongArray()).containsExactly(3, 2);
    }
  }

  @Test
  void build_targetsCutoff_neverABehaviourAtOrAfterIt() {
    Split split = TinyData.byCategorySplit(2);
    FeatureBatches batches = new FeatureBatches(split);
    InteractionLog train = split.train();
    try (NDManager m = NDManager.newBaseManager()) {
      for (int r = 0; r < train.size(); r++) {
        long t = train.timestamps()[r];
        long[] seq = batches.build(Side.QUERY, new long[] {train.queries()[r]}, new long[] {t},
            batches.targetCategories(new long[] {train.items()[r]}), m).field(FIELD).toLongArray();
        for (long v : seq) {
          if (v == 0) {
            continue;
          }
          int item = (int) v - 1;
          boolean earlier = false;
          for (int s = 0; s < train.size(); s++) {
            earlier |= train.queries()[s] == train.queries()[r] && train.items()[s] == item && train.timestamps()[s] < t;
          }
          assertThat(earlier).as("item %d in row %d's context (cutoff %d)", item, r, t).isTrue();
          assertThat(TinyData.itemCategory()[item]).isEqualTo(TinyData.itemCategory()[train.items()[r]]);
        }
      }
    }
  }

  @Test
  void targetCategories_withoutAByCategoryField_null() {
    assertThat(new FeatureBatches(TinyData.split()).targetCategories(new long[] {1, 2})).isNull();
  }

  @Test
  void new_byCategoryFieldWithoutItemCategories_userError() {
    Split s = TinyData.byCategorySplit(2);
    Dataset d = s.dataset();
    Dataset noCategories = new Dataset(d.name(), d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(), d.log(),
        null, d.files(), d.groundTruth());
    Split split = new Split(s.protocol(), s.settings(), noCategories, s.train(), s.valid(), s.test(), "positive");
    assertThatThrownBy(() -> new FeatureBatches(split)).isInstanceOf(UserException.class)
        .hasMessageContaining("category-history").hasMessageContaining("no item categories");
  }
}
