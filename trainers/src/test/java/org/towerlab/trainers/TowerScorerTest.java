package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.trainers.Harness.Session;

class TowerScorerTest {
  @TempDir Path tmp;

  private static final long[] QUERIES = {0, 5, 17, 42, 299};

  private static float[] block(TowerScorer scorer, long[] queries, int from, int to) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray s = scorer.scoreBlock(queries, from, to, m); // [B, to - from]
      assertThat(s.getShape()).isEqualTo(new Shape(queries.length, to - from));
      return s.toFloatArray();
    }
  }

  /**
   * Scores of the same pair computed in blocks of different shapes agree within a relative
   * tolerance, not bit for bit: the CPU's matmul kernel (MKL/oneDNN, chosen per CPU model and per
   * shape) may sum in another order. On AMD EPYC, -4.2460055 vs -4.246006.
   */
  private static org.assertj.core.data.Offset<Float> close(float expected) {
    return within(1e-5f * Math.max(1f, Math.abs(expected)));
  }

  @Test
  void scoreBlock_itemBlocks_equalOneFullBlock() {
    try (Session s = new Session(Harness.simulator(tmp));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      float[] full = block(scorer, QUERIES, 0, 200);
      int[] cuts = {0, 1, 64, 150, 200};
      for (int c = 0; c + 1 < cuts.length; c++) {
        int from = cuts[c];
        int to = cuts[c + 1];
        float[] part = block(scorer, QUERIES, from, to);
        for (int q = 0; q < QUERIES.length; q++) {
          for (int j = from; j < to; j++) {
            float expected = full[q * 200 + j];
            assertThat(part[q * (to - from) + (j - from)]).isCloseTo(expected, close(expected));
          }
        }
      }
      // scores differ across items: the comparison above is not between constants
      assertThat(full[0]).isNotEqualTo(full[1]);
    }
  }

  @Test
  void scorePairs_equalsDiagonalOfScoreBlock() {
    try (Session s = new Session(Harness.simulator(tmp));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      long[] items = {3, 199, 0, 42, 77};
      float[] full = block(scorer, QUERIES, 0, 200);
      try (NDManager m = NDManager.newBaseManager()) {
        float[] pairs = scorer.scorePairs(QUERIES, items, m);
        assertThat(pairs).hasSize(QUERIES.length);
        for (int i = 0; i < QUERIES.length; i++) {
          assertThat(pairs[i]).as("pair %d", i).isCloseTo(full[i * 200 + (int) items[i]], within(1e-5f));
        }
      }
    }
  }

  @Test
  void refresh_afterWeightChange_changesScores() {
    try (Session s = new Session(Harness.simulator(tmp));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      float[] before = block(scorer, QUERIES, 0, 200);
      NDArray itemIds = s.params.all().get("model.item-tower.emb.id");
      assertThat(itemIds).as("parameter names: %s", s.params.all().keySet()).isNotNull();
      float[] w = itemIds.toFloatArray();
      for (int i = 0; i < w.length; i++) {
        w[i] += (i % 7) * 0.3f - 0.9f;
      }
      itemIds.set(w);

      assertThat(block(scorer, QUERIES, 0, 200)).as("cached until refresh").containsExactly(before);
      scorer.refresh();
      assertThat(block(scorer, QUERIES, 0, 200)).isNotEqualTo(before);
    }
  }

  @Test
  void refresh_corpusLargerThanOneEncodeBlock_matchesPairScores() {
    // 5,000 items: the item cache is encoded in two blocks and concatenated
    try (Session s = new Session(Harness.simulator(tmp, "data.n-items=5000", "data.n-users=20",
        "data.interactions-per-user=5"));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 5000, s.manager)) {
      long[] queries = {0, 1, 2, 19};
      long[] items = {0, 4095, 4096, 4999};
      float[] full = block(scorer, queries, 0, 5000);
      float[] tail = block(scorer, queries, 4000, 5000);
      try (NDManager m = NDManager.newBaseManager()) {
        float[] pairs = scorer.scorePairs(queries, items, m);
        for (int i = 0; i < queries.length; i++) {
          assertThat(pairs[i]).isCloseTo(full[i * 5000 + (int) items[i]], within(1e-5f));
        }
      }
      float last = full[3 * 5000 + 4999];
      assertThat(tail[3 * 1000 + 999]).isCloseTo(last, close(last));
      assertThat(scorer.items().embedding().getShape()).isEqualTo(new Shape(5000, 16));
    }
  }

  @Test
  void close_releasesEveryCachedArray() {
    try (Session s = new Session(Harness.simulator(tmp))) {
      int before = Harness.liveArrays(s.manager);
      TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager);
      block(scorer, QUERIES, 0, 200);
      assertThat(Harness.liveArrays(s.manager)).isGreaterThan(before);
      scorer.close();
      assertThat(Harness.liveArrays(s.manager)).isEqualTo(before);
    }
  }

  @Test
  void liveArrays_countsArraysOnSubManagers() {
    // the memory tests rely on the count reaching into sub-managers
    try (NDManager base = NDManager.newBaseManager()) {
      NDManager sub = base.newSubManager().newSubManager();
      sub.zeros(new Shape(2));
      assertThat(Harness.liveArrays(base)).isEqualTo(1);
      sub.close();
      assertThat(Harness.liveArrays(base)).isZero();
    }
  }
}
