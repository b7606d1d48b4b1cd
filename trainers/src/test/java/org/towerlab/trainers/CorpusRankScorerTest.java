package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.model.CorpusRanker;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;

/** {@link TowerScorer} over a {@link CorpusRanker}: rank-based scores from one whole-corpus ranking per query block. */
class CorpusRankScorerTest {

  /**
   * Ranks query q's corpus as a rotation: item (q + 1) % N first, then (q + 2) % N, ...; excluded
   * items last, by id. Records every call's excluded sets.
   */
  private static final class Rotation implements Interaction, CorpusRanker {
    final KitDotInteraction dot = new KitDotInteraction(1.0);
    final List<int[][]> calls = new ArrayList<>();

    @Override
    public int[][] rankCorpus(TowerOutput queries, TowerOutput items, int[][] exclude, Forward fwd) {
      calls.add(exclude);
      int q = (int) queries.embedding().getShape().get(0);
      int n = (int) items.embedding().getShape().get(0);
      long[] ids = QUERY_IDS.get();
      int[][] out = new int[q][n];
      for (int i = 0; i < q; i++) {
        List<Integer> order = new ArrayList<>();
        List<Integer> last = new ArrayList<>();
        for (int r = 1; r <= n; r++) {
          int item = (int) ((ids[i] + r) % n);
          boolean ex = exclude != null && exclude[i] != null && java.util.Arrays.binarySearch(exclude[i], item) >= 0;
          (ex ? last : order).add(item);
        }
        last.sort(Integer::compare);
        order.addAll(last);
        out[i] = order.stream().mapToInt(Integer::intValue).toArray();
      }
      return out;
    }

    @Override
    public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
      return dot.scoreAll(queries, items, fwd);
    }

    @Override
    public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
      return dot.scorePaired(queries, items, k, fwd);
    }

    @Override
    public boolean itemSidePrecomputable() {
      return true;
    }

    @Override
    public long flopsPerPair(long dim) {
      return 2 * dim;
    }
  }

  /** The query ids of the block being ranked (the ranker sees outputs only; the test tells it the ids). */
  private static final ThreadLocal<long[]> QUERY_IDS = new ThreadLocal<>();

  private static float[] block(Scorer s, long[] queries, int from, int to, NDManager m) {
    QUERY_IDS.set(queries);
    return s.scoreBlock(queries, from, to, m).toFloatArray();
  }

  @Test
  void scoreBlock_itemBlocks_rankBasedScoresOfOneWholeCorpusRanking() {
    Split split = TinyData.split();
    Rotation ranker = new Rotation();
    KitModel model = new KitModel(KitTower.idOnly(4, 0.1), KitTower.idOnly(4, 0.1), ranker);
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(new TestParams(m, 1).model(split));
      try (TowerScorer scorer = new TowerScorer(model, new FeatureBatches(split), TinyData.ITEMS, m)) {
        long[] queries = {0, 2};
        float[] first = block(scorer, queries, 0, 2, m);
        float[] second = block(scorer, queries, 2, 6, m);
        // query 0: order 1, 2, 3, 4, 5, 0 -> item j has rank (j - 1) mod 6, score 6 - rank
        assertThat(first).containsExactly(1f, 6f, /* query 2: order 3, 4, 5, 0, 1, 2 */ 3f, 2f);
        assertThat(second).containsExactly(5f, 4f, 3f, 2f, 1f, 6f, 5f, 4f);
        assertThat(ranker.calls).as("one ranking for the query block, served to both item blocks").hasSize(1);

        QUERY_IDS.set(new long[] {2, 0, 2});
        float[] pairs = scorer.scorePairs(new long[] {2, 0, 2}, new long[] {3, 0, 2}, m);
        assertThat(pairs).containsExactly(6f, 1f, 1f);

        scorer.invalidateQueries();
        block(scorer, queries, 0, 6, m);
        assertThat(ranker.calls).as("ranked again after the weights changed").hasSize(3);
      }
    }
  }

  @Test
  void excluding_seenRows_passedToTheRankerAndRankedLast() {
    Split split = TinyData.split();
    Rotation ranker = new Rotation();
    KitModel model = new KitModel(KitTower.idOnly(4, 0.1), KitTower.idOnly(4, 0.1), ranker);
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(new TestParams(m, 1).model(split));
      try (TowerScorer scorer = new TowerScorer(model, new FeatureBatches(split), TinyData.ITEMS, m)) {
        InteractionLog seen = new InteractionLog(new int[] {0, 0, 1}, new int[] {2, 1, 5}, new long[] {1, 2, 3},
            Map.of(), null, null, null);
        Scorer view = scorer.excluding(seen);
        float[] s = block(view, new long[] {0}, 0, 6, m);
        // query 0 without items 1 and 2: order 3, 4, 5, 0, then 1, 2
        assertThat(s).containsExactly(3f, 2f, 1f, 6f, 5f, 4f);
        assertThat(ranker.calls.get(0)[0]).containsExactly(1, 2);
        assertThat(block(scorer, new long[] {0}, 0, 6, m)).as("the scorer itself excludes nothing")
            .containsExactly(1f, 6f, 5f, 4f, 3f, 2f);
      }
    }
  }

  @Test
  void excluding_plainInteraction_theScorerItself() {
    Split split = TinyData.split();
    KitModel model = new KitModel(KitTower.idOnly(4, 0.1), KitTower.idOnly(4, 0.1), new KitDotInteraction(1.0));
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(new TestParams(m, 1).model(split));
      try (TowerScorer scorer = new TowerScorer(model, new FeatureBatches(split), TinyData.ITEMS, m)) {
        assertThat(scorer.excluding(split.train())).isSameAs(scorer);
      }
    }
  }
}
