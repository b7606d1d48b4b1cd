package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
      assertThat(b.fields().keySet()).containsExactly("genres", "content");

      // bags: ids + 1, truncated to max-length 2, right-padded with 0
      assertThat(b.field("genres").getShape()).isEqualTo(new Shape(4, 2));
      assertThat(b.field("genres").getDataType()).isEqualTo(DataType.INT64);
      assertThat(b.field("genres").toLongArray()).containsExactly(2, 3, 1, 3, 0, 0, 2, 1);

      assertThat(b.field("content").getShape()).isEqualTo(new Shape(4, 2));
      assertThat(b.field("content").getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(b.field("content").toFloatArray()).containsExactly(2f, 2.5f, 0f, 0.5f, 1f, 1.5f, 5f, 5.5f);
    }
  }

  @Test
  void build_querySide_categoricalValues() {
    FeatureBatches batches = new FeatureBatches(TinyData.split());
    try (NDManager m = NDManager.newBaseManager()) {
      FeatureBatch b = batches.build(Side.QUERY, new long[] {3, 0}, new long[] {100, 100}, m);

      assertThat(b.fields().keySet()).containsExactly("age", "history");
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
          0, 2, 3); // user 0 at 26: the negative row (item 5 at t25) is not a positive
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
}
