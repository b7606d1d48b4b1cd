package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.KitInBatchSampler;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitSoftmaxLoss;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;

class TrainStepItemTimesTest {

  /** A kit tower that records the sequence field of every batch it encodes. */
  private static final class Recording implements Tower {
    final KitTower inner = KitTower.allFields(4);
    final String field;
    final List<long[]> seen = new ArrayList<>();

    Recording(String field) {
      this.field = field;
    }

    @Override
    public void initialize(InitContext ctx) {
      inner.initialize(ctx);
    }

    @Override
    public TowerOutput encode(FeatureBatch features, Forward fwd) {
      seen.add(features.field(field).toLongArray());
      return inner.encode(features, fwd);
    }
  }

  @Test
  void run_itemSideSequence_eachPositiveSeesOnlyQueriesBeforeItsRowsTime() {
    Split split = TinyData.split();
    Recording items = new Recording("viewers");
    Recording queries = new Recording("history");
    KitModel model = new KitModel(queries, items, new KitDotInteraction(1.0));
    InteractionLog train = split.train();
    int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(new TestParams(m, 1).model(split));
      TrainStep step = TrainStep.builder(model, split).setLoss(new KitSoftmaxLoss()).optRows(TrainingRows.POSITIVES)
          .optSampler(new KitInBatchSampler(), FakeSamplerContext.of(split)).build();
      step.run(rows, 0, 0, new SplittableRandom(1), new SplittableRandom(2), m);
    }
    Batches reference = Batches.of(split);
    long[] seen = items.seen.get(0); // [B, 2]
    long[] history = queries.seen.get(0); // [B, 3]
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      long[] viewers = reference.sequence(Side.ITEM, train.items()[r], train.timestamps()[r], 2);
      long[] expected = new long[2];
      System.arraycopy(viewers, 0, expected, 2 - viewers.length, viewers.length);
      assertThat(new long[] {seen[2 * i], seen[2 * i + 1]})
          .as("viewers of item %d in row %d (query %d at %d)", train.items()[r], r, train.queries()[r],
              train.timestamps()[r])
          .containsExactly(expected)
          .doesNotContain(train.queries()[r] + 1L);
      long[] items3 = reference.sequence(Side.QUERY, train.queries()[r], train.timestamps()[r], 3);
      long[] expectedHistory = new long[3];
      System.arraycopy(items3, 0, expectedHistory, 3 - items3.length, items3.length);
      assertThat(new long[] {history[3 * i], history[3 * i + 1], history[3 * i + 2]})
          .as("history of query %d in row %d", train.queries()[r], r).containsExactly(expectedHistory);
    }
    // row 0 is (query 0, item 1, t10): nobody engaged item 1 before; row 6 is (query 3, item 2, t12): nobody before
    assertThat(new long[] {seen[0], seen[1]}).containsExactly(0, 0);
    // row 1 is (query 0, item 2, t20): query 3 engaged item 2 at t12
    assertThat(new long[] {seen[2], seen[3]}).containsExactly(0, 4);
  }
}
