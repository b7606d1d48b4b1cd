package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.TinyData;

class FeatureBatchesTest {

  @Test
  void build_itemSide_categoricalMultiCategoricalDenseShapesAndValues() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.ITEM, new long[] {2, 0, 1, 5}, null, m);

      assertThat(b.size()).isEqualTo(4);
      assertThat(b.idTensor().getShape()).isEqualTo(new Shape(4));
      assertThat(b.idTensor().getDataType()).isEqualTo(DataType.INT64);
      assertThat(b.idTensor().toLongArray()).containsExactly(2, 0, 1, 5);
      assertThat(b.fields().keySet()).containsExactly("genres", "content", "category", "viewers");

      // bags: ids + 1, truncated to max-length 2, right-padded with 0
      assertThat(b.field("genres").getShape()).isEqualTo(new Shape(4, 2));
      assertThat(b.field("genres").getDataType()).isEqualTo(DataType.INT64);
      assertThat(b.field("genres").toLongArray()).containsExactly(2, 3, 1, 3, 0, 0, 2, 1);

      assertThat(b.field("content").getShape()).isEqualTo(new Shape(4, 2));
      assertThat(b.field("content").getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(b.field("content").toFloatArray()).containsExactly(2f, 2.5f, 0f, 0.5f, 1f, 1.5f, 5f, 5.5f);

      assertThat(b.field("category").toLongArray()).containsExactly(2, 0, 1, 2);
    }
  }

  @Test
  void build_querySide_categoricalValues() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.QUERY, new long[] {3, 0}, new long[] {100, 100}, m);

      assertThat(b.fields().keySet()).containsExactly("age", "tags", "profile", "history");
      assertThat(b.field("age").getShape()).isEqualTo(new Shape(2));
      assertThat(b.field("age").toLongArray()).containsExactly(1, 2);
    }
  }

  @Test
  void build_sequence_onlyTrainingPositivesStrictlyBeforeTheExampleMostRecentLast() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      long[] queries = {0, 0, 0, 1, 2, 3, 0};
      long[] times = {30, 41, 10, 1000, 15, 13, 26};
      FeatureBatch b = batches.build(Side.QUERY, queries, times, m);

      assertThat(b.field("history").getShape()).isEqualTo(new Shape(7, 3));
      assertThat(b.field("history").getDataType()).isEqualTo(DataType.INT64);
      assertThat(b.field("history").toLongArray()).containsExactly(
          0, 2, 3, // user 0 at 30: items 1 (t10), 2 (t20); item 3 at t30 is not strictly before
          3, 4, 5, // user 0 at 41: the 3 most recent of 1, 2, 3, 4, oldest first
          0, 0, 0, // user 0 at 10: nothing strictly before
          0, 0, 1, // user 1 at 1000: its training positive 0; the valid item 3 (t60) never leaks
          0, 0, 0, // user 2 at 15: item 5 is at t15, not before
          0, 3, 2, // user 3 at 13: ties at t12 keep log order (item 2 then item 1)
          0, 2, 3); // user 0 at 26: the shown-not-engaged row (item 5 at t25) is not a positive
    }
  }

  @Test
  void build_sequenceWithoutTimes_wholeTrainingHistory() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.QUERY, new long[] {0, 1, 2}, null, m);

      assertThat(b.field("history").toLongArray()).containsExactly(3, 4, 5, 0, 0, 1, 0, 0, 6);
    }
  }

  @Test
  void build_sequence_validAndTestItemsNeverAppear() {
    Split split = TinyData.split();
    FeatureBatches batches = new FeatureBatches(split);
    try (NDManager m = NDManager.newBaseManager()) {
      long[] users = {0, 1, 2, 3};
      long[] late = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
      long[] seq = batches.build(Side.QUERY, users, late, m).field("history").toLongArray();
      // user 1's only valid/test items are 3 and 4; its history must hold item 0 alone
      assertThat(new long[] {seq[3], seq[4], seq[5]}).containsExactly(0, 0, 1);
      // user 2's test item 1 must not be in its history
      assertThat(new long[] {seq[6], seq[7], seq[8]}).doesNotContain(2L);
    }
  }

  @Test
  void build_itemSequence_queriesThatEngagedTheItemStrictlyBeforeTheExample() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      long[] items = {2, 2, 1, 0, 3, 5};
      long[] times = {30, 12, 1000, 5, 31, Long.MAX_VALUE};
      FeatureBatch b = batches.build(Side.ITEM, items, times, m);

      assertThat(b.field("viewers").getShape()).isEqualTo(new Shape(6, 2));
      assertThat(b.field("viewers").getDataType()).isEqualTo(DataType.INT64);
      assertThat(b.field("viewers").toLongArray()).containsExactly(
          4, 1, // item 2 at 30: query 3 (t12), then query 0 (t20), as query ids + 1
          0, 0, // item 2 at 12: query 3 engaged it at t12, not strictly before
          1, 4, // item 1 at 1000: queries 0 (t10), 3 (t12); query 2's test positive (t95) never leaks
          0, 0, // item 0 at 5: query 1 at t5 is not before
          0, 1, // item 3 at 31: query 0 (t30); query 2's unexposed candidate (t15) is no positive
          0, 3); // item 5, whole history: query 2 (t15); query 0's valid positive and shown negative never appear
    }
  }

  @Test
  void build_itemSequenceWithoutTimes_wholeTrainingHistoryOfEachItem() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      long[] v = batches.build(Side.ITEM, Batches.range(TinyData.ITEMS), null, m).field("viewers").toLongArray();
      // item i: 0 <- query 1; 1 <- queries 0, 3; 2 <- 3, 0; 3 <- 0; 4 <- 0; 5 <- 2 (ids + 1)
      assertThat(v).containsExactly(0, 2, 1, 4, 4, 1, 0, 1, 0, 1, 0, 3);
    }
  }

  @Test
  void build_everyEntityAndTime_agreesWithTheKitsReferenceBuilder() {
    Split split = TinyData.split();
    FeatureBatches batches = new FeatureBatches(split);
    Batches reference = Batches.of(split);
    long[] times = {0, 5, 12, 13, 20, 25, 40, 41, 60, 95, Long.MAX_VALUE};
    try (NDManager m = NDManager.newBaseManager()) {
      for (Side side : Side.values()) {
        int count = side == Side.QUERY ? TinyData.USERS : TinyData.ITEMS;
        List<Long> ids = new ArrayList<>();
        List<Long> ts = new ArrayList<>();
        for (long t : times) {
          for (long e = 0; e < count; e++) {
            ids.add(e);
            ts.add(t);
          }
        }
        long[] idArr = ids.stream().mapToLong(Long::longValue).toArray();
        long[] tArr = ts.stream().mapToLong(Long::longValue).toArray();
        FeatureBatch fast = batches.build(side, idArr, tArr, m);
        FeatureBatch slow = reference.build(side, idArr, tArr, m);
        assertThat(fast.fields().keySet()).isEqualTo(slow.fields().keySet());
        for (String f : fast.fields().keySet()) {
          assertThat(fast.field(f).getShape()).as(side + " " + f).isEqualTo(slow.field(f).getShape());
          assertThat(fast.field(f).toType(DataType.FLOAT64, false).toDoubleArray()).as(side + " " + f)
              .containsExactly(slow.field(f).toType(DataType.FLOAT64, false).toDoubleArray());
        }
      }
    }
  }

  @Test
  void candidateTimes_positivesSharedPerQuery_rowTimesEarliestRowTimes() {
    assertThat(FeatureBatches.candidateTimes(new long[] {30, 10, 20}, 2, 1))
        .containsExactly(30, 10, 20, 10, 10, 30, 10, 20);
    assertThat(FeatureBatches.perRow(new long[] {7, 9}, 3)).containsExactly(7, 7, 7, 9, 9, 9);
  }

  private static Split withSchema(Schema schema) {
    Split s = TinyData.split();
    Dataset d = s.dataset();
    Dataset changed = new Dataset(d.name(), d.queryKind(), schema, d.queryFeatures(), d.itemFeatures(), d.log(),
        d.itemCategory(), Map.of(), null);
    return new Split(s.protocol(), Map.of(), changed, s.train(), s.valid(), s.test(), "positive");
  }

  private static Schema replace(FieldSpec field) {
    List<FieldSpec> fields = new ArrayList<>(TinyData.schema().fields());
    fields.replaceAll(f -> f.side() == field.side() && f.name().equals(field.name()) ? field : f);
    return new Schema(fields);
  }

  @Test
  void constructor_itemSequenceSizedByItems_throwsNamingTheQueryCount() {
    Split split = withSchema(replace(FieldSpec.sequence("viewers", Side.ITEM, TinyData.ITEMS, 2)));
    assertThatThrownBy(() -> new FeatureBatches(split))
        .hasMessageContaining("'viewers'")
        .hasMessageContaining("number of queries, 4")
        .hasMessageContaining("but it is 6");
  }

  @Test
  void constructor_querySequenceSizedByQueries_throwsNamingTheItemCount() {
    Split split = withSchema(replace(FieldSpec.sequence("history", Side.QUERY, TinyData.USERS, 3)));
    assertThatThrownBy(() -> new FeatureBatches(split))
        .hasMessageContaining("'history'")
        .hasMessageContaining("number of items, 6")
        .hasMessageContaining("but it is 4");
  }

  @Test
  void constructor_categoricalValueOutOfRange_throwsNamingTheField() {
    Dataset good = TinyData.dataset();
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, 4),
        FieldSpec.categorical("age", Side.QUERY, 2), FieldSpec.categorical("id", Side.ITEM, 6)));
    FeatureTable queries = FeatureTable.builder(Side.QUERY, 4).categorical("age", new int[] {0, 1, 2, 0}).build();
    Dataset bad = new Dataset("bad", good.queryKind(), schema, queries, FeatureTable.builder(Side.ITEM, 6).build(),
        good.log(), null, Map.of(), null);
    Split s = TinyData.split();
    Split split = new Split(s.protocol(), Map.of(), bad, s.train(), s.valid(), s.test(), "positive");

    assertThatThrownBy(() -> new FeatureBatches(split))
        .hasMessageContaining("'age'")
        .hasMessageContaining("2");
  }

  /** TinyData with the pair fields category-counts (3) and genres-counts (4). */
  private static Split withPairCounts() {
    Split s = TinyData.split();
    Dataset d = s.dataset().withPairCounts(List.of("category", "genres"), "data.pair-counts");
    return new Split(s.protocol(), Map.of(), d, s.train(), s.valid(), s.test(), s.logged(), "positive");
  }

  @Test
  void build_pairCounts_onlyTrainingPositivesStrictlyBeforeTheExample_perKeyValue() {
    FeatureBatches batches = new FeatureBatches(withPairCounts());
    try (NDManager m = NDManager.newBaseManager()) {
      long[] queries = {0, 0, 0, 1, 2, 0};
      long[] times = {30, 41, 10, 1000, 15, 26};
      FeatureBatch b = batches.build(Side.QUERY, queries, times, m);

      assertThat(b.field("category-counts").getShape()).isEqualTo(new Shape(6, 3));
      assertThat(b.field("category-counts").getDataType()).isEqualTo(DataType.FLOAT32);
      // categories i % 3; user 0's positives: item 1 (t10), 2 (t20), 3 (t30), 4 (t40)
      assertThat(b.field("category-counts").toFloatArray()).containsExactly(
          0, 1, 1, // user 0 at 30: items 1, 2; item 3 at t30 is not strictly before
          1, 2, 1, // user 0 at 41: items 1, 2, 3, 4
          0, 0, 0, // user 0 at 10: nothing strictly before
          1, 0, 0, // user 1 at 1000: item 0 (t5); its valid positive item 3 (t60) never counts
          0, 0, 0, // user 2 at 15: item 5 is at t15, not before
          0, 1, 1); // user 0 at 26: the shown-not-engaged row (item 5 at t25) is not an engagement
      // genres of items 0..4: {0, 2} {} {1, 2, 3} {3} {0}; an item counts once per genre
      assertThat(b.field("genres-counts").toFloatArray()).containsExactly(
          0, 1, 1, 1,
          1, 1, 1, 2,
          0, 0, 0, 0,
          1, 0, 1, 0,
          0, 0, 0, 0,
          0, 1, 1, 1);
    }
  }

  @Test
  void build_pairCountsAtEvaluation_theWholeTrainingHistoryAndNothingFromValidOrTest() {
    Split split = withPairCounts();
    FeatureBatches batches = new FeatureBatches(split);
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.QUERY, new long[] {0, 1, 2, 3}, null, m);

      // valid (0, 5) (1, 3) (3, 4) and test (0, 0) (1, 4) (2, 1) would change every row if counted
      assertThat(b.field("category-counts").toFloatArray()).containsExactly(
          1, 2, 1,
          1, 0, 0,
          0, 0, 1,
          0, 1, 1);
    }
  }

  @Test
  void build_pairCounts_equalTheKitsReferenceAtEveryTime() {
    Split split = withPairCounts();
    FeatureBatches batches = new FeatureBatches(split);
    long[] queries = {0, 1, 2, 3, 0, 3, 1, 2};
    long[] times = {0, 5, 6, 12, 13, 100, 61, 95};
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch fast = batches.build(Side.QUERY, queries, times, m);
      FeatureBatch slow = Batches.of(split).build(Side.QUERY, queries, times, m);
      for (String f : List.of("category-counts", "genres-counts")) {
        assertThat(fast.field(f).toFloatArray()).as(f).containsExactly(slow.field(f).toFloatArray());
      }
    }
  }

  @Test
  void withPairCounts_keyThatIsNotACategoricalItemField_userErrorNamingTheFields() {
    assertThatThrownBy(() -> TinyData.dataset().withPairCounts(List.of("content"), "data.pair-counts"))
        .isInstanceOf(org.towerlab.api.UserException.class)
        .hasMessageContaining("data.pair-counts")
        .hasMessageContaining("'content'")
        .hasMessageContaining("[id, genres, category]");
  }
}
