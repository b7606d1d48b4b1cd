package org.towerlab.modules.longretriever;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.KitInBatchSampler;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitSoftmaxLoss;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.TowerScorer;
import org.towerlab.trainers.TrainStep;

/** The tower and the interaction inside the trainer's step and scorer, on {@link TinyData#byCategorySplit}. */
class LongRetrieverTrainingTest {

  /** Records the contexts' categories of every query batch it encodes. */
  private static final class Recording implements Tower {
    final LongRetrieverTower inner = new LongRetrieverTower(LongRetrieverTowerTest.CONFIG, "$.model.query-tower");
    final List<long[]> categories = new ArrayList<>();
    final List<long[]> shapes = new ArrayList<>();

    @Override
    public void initialize(InitContext ctx) {
      inner.initialize(ctx);
    }

    @Override
    public TowerOutput encode(FeatureBatch features, Forward fwd) {
      categories.add(features.field(FieldSpec.categoryField("category-history")).toLongArray());
      shapes.add(features.field("category-history").getShape().getShape());
      return inner.encode(features, fwd);
    }
  }

  private static KitModel model(Tower query) {
    return new KitModel(query, KitTower.allFields(5),
        new MultiContextInteraction(new MultiContextInteractionConfig(0.1, 3, List.of(2.0, 1.0), true),
            "$.model.interaction"));
  }

  @Test
  void trainStep_byCategorySequence_eachRowIsEncodedInItsTargetsCategory() {
    Split split = TinyData.byCategorySplit(2);
    Recording query = new Recording();
    KitModel model = model(query);
    int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
    TrainStep.Result result;
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(new TestParams(m, 1).model(split));
      TrainStep step = TrainStep.builder(model, split).setLoss(new KitSoftmaxLoss()).optRows(TrainingRows.POSITIVES)
          .optSampler(new KitInBatchSampler(), FakeSamplerContext.of(split)).build();
      result = step.run(rows, 0, 0, new SplittableRandom(1), new SplittableRandom(2), m);
    }
    assertThat(Double.isFinite(result.loss())).isTrue();
    assertThat(query.shapes.get(0)).containsExactly(8, 1, 2); // one context per row
    long[] expected = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      expected[i] = TinyData.itemCategory()[split.train().items()[rows[i]]] + 1L;
    }
    assertThat(query.categories.get(0)).containsExactly(expected);
  }

  @Test
  void towerScorer_multiContextModel_ranksAsTheMergeOfEachUsersSelectedContexts() {
    Split split = TinyData.byCategorySplit(2);
    KitModel model = model(new LongRetrieverTower(LongRetrieverTowerTest.CONFIG, "$.model.query-tower"));
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(new TestParams(m, 1).model(split));
      FeatureBatches batches = new FeatureBatches(split);
      try (TowerScorer scorer = new TowerScorer(model, batches, TinyData.ITEMS, m)) {
        Scorer seenExcluded = scorer.excluding(split.train());
        long[] users = Batches.range(TinyData.USERS);
        // the evaluator's view, in two item blocks
        float[] a = seenExcluded.scoreBlock(users, 0, 4, m).toFloatArray(); // [4, 4]
        float[] b = seenExcluded.scoreBlock(users, 4, 6, m).toFloatArray(); // [4, 2]

        // the merge computed directly from the towers' outputs
        TowerOutput q = model.queryTower().encode(batches.build(Side.QUERY, users, null, m), Forward.inference(m));
        int[][] seen = seen(split.train());
        int[][] order = ((MultiContextInteraction) model.interaction()).rankCorpus(q, scorer.items(), seen,
            Forward.inference(m));
        for (int u = 0; u < TinyData.USERS; u++) {
          for (int r = 0; r < TinyData.ITEMS; r++) {
            int item = order[u][r];
            float score = item < 4 ? a[u * 4 + item] : b[u * 2 + item - 4];
            assertThat(score).as("user %d, item %d at rank %d", u, item, r).isEqualTo(TinyData.ITEMS - r);
          }
          // the merged list (budget 3, quotas 2:1 over the user's contexts) holds only the selected categories'
          // unseen items: min(quota, unseen items of the category) from each
          long[] cats = q.extras().get(LongRetrieverTower.CONTEXT_CATEGORY).toLongArray(); // [4, 2]
          Set<Integer> seenItems = new HashSet<>();
          for (int s : seen[u]) {
            seenItems.add(s);
          }
          List<Integer> selected = new ArrayList<>();
          List<Double> shares = new ArrayList<>();
          for (int j = 0; j < 2; j++) {
            if (cats[u * 2 + j] > 0) {
              selected.add((int) cats[u * 2 + j] - 1);
              shares.add(j == 0 ? 2.0 : 1.0);
            }
          }
          int[] quotas = MultiContextMerge.quotas(shares.stream().mapToDouble(Double::doubleValue).toArray(), 3);
          int merged = 0;
          for (int j = 0; j < selected.size(); j++) {
            int c = selected.get(j);
            long unseen = java.util.stream.IntStream.range(0, TinyData.ITEMS)
                .filter(i -> TinyData.itemCategory()[i] == c && !seenItems.contains(i)).count();
            merged += (int) Math.min(quotas[j], unseen);
          }
          for (int r = 0; r < merged; r++) {
            assertThat(selected).as("user %d's rank %d (item %d)", u, r, order[u][r])
                .contains(TinyData.itemCategory()[order[u][r]]);
            assertThat(seenItems).doesNotContain(order[u][r]);
          }
          for (int s : seen[u]) {
            assertThat(rankOf(order[u], s)).as("seen item %d of user %d", s, u)
                .isGreaterThanOrEqualTo(TinyData.ITEMS - seen[u].length);
          }
        }
      }
    }
  }

  private static int rankOf(int[] order, int item) {
    for (int r = 0; r < order.length; r++) {
      if (order[r] == item) {
        return r;
      }
    }
    return -1;
  }

  private static int[][] seen(InteractionLog log) {
    Map<Integer, Set<Integer>> sets = new HashMap<>();
    for (int r = 0; r < log.size(); r++) {
      sets.computeIfAbsent(log.queries()[r], x -> new java.util.TreeSet<>()).add(log.items()[r]);
    }
    int[][] out = new int[TinyData.USERS][];
    for (int u = 0; u < out.length; u++) {
      out[u] = sets.getOrDefault(u, Set.of()).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    return out;
  }
}
