package org.towerlab.modules.hit;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TestParams;

/**
 * The HIT tests' data, from the kit: {@code USERS} users with a categorical {@code group} (u % 2)
 * and {@code ITEMS} items with a categorical {@code genre} (i % 2); user u likes the items of genre
 * u % 2 (the training log holds every such pair).
 */
final class Fixtures {
  static final int USERS = 12;
  static final int ITEMS = 10;
  private static final Split SPLIT = Splits.groupedComplete(USERS, ITEMS, 2);

  private Fixtures() {}

  static Split split() {
    return SPLIT;
  }

  static InitContext init(NDManager manager, Split split, Side side, long seed) {
    return new TestParams(manager, seed).tower(split, side);
  }

  /** A feature batch of the given ids, built as the trainer does. */
  static FeatureBatch batch(Side side, long[] ids, NDManager m) {
    return Batches.of(SPLIT).build(side, ids, m);
  }

  static HitTowerConfig config(Boolean inBatchNegatives, String generationLoss) {
    return new HitTowerConfig(null, null, 8, List.of(16), 8, 2, 4, List.of(8), null, 0.0, null, 1.0,
        generationLoss, inBatchNegatives);
  }
}
