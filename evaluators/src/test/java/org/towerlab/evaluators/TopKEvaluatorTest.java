package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.evaluators.Fixtures.MatrixScorer;

class TopKEvaluatorTest {
  private static final double EPS = 1e-9;
  private static final double L3 = 1 / log2(3); // 0.630930, discount of rank 2
  private static final double L5 = 1 / log2(5); // 0.430677, discount of rank 4
  private static final double L6 = 1 / log2(6); // 0.386853, discount of rank 5

  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // 4 queries x 6 items. Query 3 has only a negative target row: it must be skipped.
  private static final float[][] SCORES = {
      {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f},
      {0.1f, 0.6f, 0.6f, 0.3f, 0.9f, 0.2f}, // items 1 and 2 tie: item 1 ranks first
      {0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f},
      {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};
  // seen (train): q0 saw item 0, q1 saw item 4, q3 saw items 1 and 2.
  private static final InteractionLog TRAIN = Fixtures.log(new int[][] {{0, 0}, {1, 4}, {3, 1}, {3, 2}}, null);
  // targets: q0 {2, 5}, q1 {2}, q2 {0, 3, 4} (item 3 listed twice: counted once), q3 only a negative row.
  private static final InteractionLog TEST = Fixtures.log(
      new int[][] {{0, 2}, {0, 5}, {1, 2}, {2, 0}, {2, 3}, {2, 3}, {2, 4}, {3, 5}},
      new float[] {1, 1, 1, 1, 1, 1, 1, 0});

  private static Evaluation run(TopKEvaluatorConfig config, Map<String, Object> settings, InteractionLog seen) {
    Split split = Fixtures.split(4, 6, TRAIN, TEST, settings, false);
    EvalContext ctx = new EvalContext(split, "test", TEST, seen, new MatrixScorer(SCORES), manager);
    return new TopKEvaluator(config).evaluate(ctx);
  }

  private static TopKEvaluatorConfig config(List<Integer> ks, Integer queryBlock, Integer itemBlock, Boolean excludeSeen) {
    return new TopKEvaluatorConfig(ks, null, queryBlock, itemBlock, excludeSeen, null);
  }

  @Test
  void evaluate_handExample_matchesHandComputedMetrics() {
    Evaluation e = run(config(List.of(1, 3, 5), null, null, null), Map.of(), TRAIN);

    // Rankings after masking seen items (ties by lower item id):
    //   q0: 1 2 3 4 5 (0 masked)  targets {2,5} hit at ranks 2, 5
    //   q1: 1 2 3 5 0 (4 masked)  target  {2}   hit at rank 2 (item 1 wins the 0.6 tie)
    //   q2: 0 1 2 3 4 5           targets {0,3,4} hit at ranks 1, 4, 5
    assertThat(e.queries()).containsExactly(0L, 1L, 2L);
    assertThat(e.perQuery().get("recall@1")).containsExactly(new double[] {0, 0, 1.0 / 3}, within(EPS));
    assertThat(e.perQuery().get("hit@1")).containsExactly(new double[] {0, 0, 1}, within(EPS));
    assertThat(e.perQuery().get("precision@1")).containsExactly(new double[] {0, 0, 1}, within(EPS));
    assertThat(e.perQuery().get("ndcg@1")).containsExactly(new double[] {0, 0, 1}, within(EPS));
    assertThat(e.perQuery().get("mrr@1")).containsExactly(new double[] {0, 0, 1}, within(EPS));

    // @3: one hit each. q0 ndcg = L3 / (1 + L3) = 0.386853; q1 = L3 / 1 = 0.630930;
    //     q2 = 1 / (1 + L3 + 1/2) = 0.469279.
    assertThat(e.perQuery().get("recall@3")).containsExactly(new double[] {0.5, 1, 1.0 / 3}, within(EPS));
    assertThat(e.perQuery().get("precision@3")).containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, within(EPS));
    assertThat(e.perQuery().get("ndcg@3")).containsExactly(
        new double[] {L3 / (1 + L3), L3, 1 / (1 + L3 + 0.5)}, within(EPS));
    assertThat(e.perQuery().get("ndcg@3")[0]).isCloseTo(0.386853, within(1e-6));
    assertThat(e.perQuery().get("mrr@3")).containsExactly(new double[] {0.5, 0.5, 1}, within(EPS));

    // @5: q0 2 hits, ndcg = (L3 + L6) / (1 + L3) = 0.624044; q2 3 hits, ndcg = (1 + L5 + L6) / (1 + L3 + 1/2) = 0.852928.
    assertThat(e.perQuery().get("recall@5")).containsExactly(new double[] {1, 1, 1}, within(EPS));
    assertThat(e.perQuery().get("precision@5")).containsExactly(new double[] {0.4, 0.2, 0.6}, within(EPS));
    assertThat(e.perQuery().get("ndcg@5")).containsExactly(
        new double[] {(L3 + L6) / (1 + L3), L3, (1 + L5 + L6) / (1 + L3 + 0.5)}, within(EPS));
    assertThat(e.perQuery().get("ndcg@5")[2]).isCloseTo(0.852928, within(1e-6));

    // Aggregates are means over the 3 evaluated queries.
    assertThat(e.metrics().get("recall@3")).isCloseTo((0.5 + 1 + 1.0 / 3) / 3, within(EPS)); // 0.611111
    assertThat(e.metrics().get("hit@1")).isCloseTo(1.0 / 3, within(EPS));
    assertThat(e.metrics().get("mrr@3")).isCloseTo(2.0 / 3, within(EPS));

    // Extras. Train counts: items 0, 1, 2, 4 once each. Top-1: q0 -> 1, q1 -> 1, q2 -> 0.
    // Top-3: q0 [1 2 3], q1 [1 2 3], q2 [0 1 2]: popularity 2/3, 2/3, 1.
    assertThat(e.metrics().get("coverage@1")).isCloseTo(2.0 / 6, within(EPS));
    assertThat(e.metrics().get("coverage@3")).isCloseTo(4.0 / 6, within(EPS));
    assertThat(e.perQuery().get("avg-popularity@3")).containsExactly(new double[] {2.0 / 3, 2.0 / 3, 1}, within(EPS));
    assertThat(e.metrics().get("avg-popularity@3")).isCloseTo(7.0 / 9, within(EPS));
    assertThat(e.perQuery()).doesNotContainKey("coverage@3");
  }

  @Test
  void evaluate_defaultConfig_reportsEveryKeyAlignedWithQueries() {
    Evaluation e = run(TopKEvaluatorConfig.defaults(), Map.of(), TRAIN);

    assertThat(e.metrics()).containsKeys("recall@20", "hit@50", "ndcg@10", "mrr@10", "precision@10",
        "coverage@10", "avg-popularity@50");
    assertThat(e.perQuery()).hasSize(5 * 3 + 3);
    e.perQuery().values().forEach(v -> assertThat(v).hasSize(e.queries().length));
    // K larger than the corpus: every target that is not seen is found.
    assertThat(e.perQuery().get("recall@10")).containsExactly(new double[] {1, 1, 1}, within(EPS));
    assertThat(e.metrics().get("precision@10")).isCloseTo((2 + 1 + 3) / 30.0, within(EPS));
  }

  @Test
  void evaluate_seenDisabledBySplitSettings_unmaskedItemsRank() {
    Evaluation e = run(config(List.of(3), null, null, null), Map.of("exclude-seen", false), TRAIN);

    // q0: 0 1 2 -> target 2 at rank 3; q1: 4 1 2 -> target 2 at rank 3; q2 unchanged (rank 1).
    assertThat(e.perQuery().get("mrr@3")).containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1}, within(EPS));
  }

  @Test
  void evaluate_itemQueries_seedNeverRanked() {
    // The same split with item queries (related items): query q's own item q is removed with
    // exclude-seen false too, and on top of the seen items with exclude-seen true.
    Split users = Fixtures.split(4, 6, TRAIN, TEST, Map.of("exclude-seen", false), false);
    Dataset d = users.dataset();
    Dataset items = new Dataset(d.name(), QueryKind.ITEM, d.schema(), d.queryFeatures(), d.itemFeatures(), d.log(),
        d.itemCategory(), d.files(), null);
    Split split = new Split(users.protocol(), users.settings(), items, users.train(), users.valid(), users.test(),
        null, users.positiveLabel());
    Evaluation unseen = new TopKEvaluator(config(List.of(3), null, null, null))
        .evaluate(new EvalContext(split, "test", TEST, TRAIN, new MatrixScorer(SCORES), manager));
    // q0 (seed 0): 1 2 3 -> target 2 at rank 2; q1 (seed 1): 4 2 3 -> rank 2; q2 (seed 2): 0 1 3 -> rank 1
    assertThat(unseen.perQuery().get("mrr@3")).containsExactly(new double[] {0.5, 0.5, 1}, within(EPS));
    Evaluation seen = new TopKEvaluator(config(List.of(3), null, null, true))
        .evaluate(new EvalContext(split, "test", TEST, TRAIN, new MatrixScorer(SCORES), manager));
    // q1 also loses its seen item 4: 2 3 5 -> target 2 at rank 1
    assertThat(seen.perQuery().get("mrr@3")).containsExactly(new double[] {0.5, 1, 1}, within(EPS));
  }

  @Test
  void evaluate_configOverridesSplitSetting_seenMasked() {
    Evaluation e = run(config(List.of(3), null, null, true), Map.of("exclude-seen", false), TRAIN);

    assertThat(e.perQuery().get("mrr@3")).containsExactly(new double[] {0.5, 0.5, 1}, within(EPS));
  }

  @Test
  void evaluate_seenTargetItem_maskedButCountedInRecallDenominator() {
    // q2 "saw" its target item 0: it can no longer be hit, and |targets| stays 3.
    InteractionLog seen = Fixtures.log(new int[][] {{0, 0}, {1, 4}, {2, 0}}, null);
    Evaluation e = run(config(List.of(5), null, null, null), Map.of(), seen);

    // q2 ranking: 1 2 3 4 5 -> hits 3, 4 at ranks 3, 4.
    assertThat(e.perQuery().get("recall@5")[2]).isCloseTo(2.0 / 3, within(EPS));
    assertThat(e.perQuery().get("mrr@5")[2]).isCloseTo(1.0 / 3, within(EPS));
  }

  @Test
  void evaluate_nonBooleanSetting_throwsUserException() {
    assertThatThrownBy(() -> run(config(List.of(3), null, null, null), Map.of("exclude-seen", 3), TRAIN))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("exclude-seen")
        .hasMessageContaining("'3'");
  }

  @Test
  void evaluate_targetOutsideCorpus_throwsUserException() {
    InteractionLog bad = Fixtures.log(new int[][] {{0, 6}}, null);
    Split split = Fixtures.split(4, 6, TRAIN, bad, Map.of(), false);
    EvalContext ctx = new EvalContext(split, "test", bad, TRAIN, new MatrixScorer(SCORES), manager);

    assertThatThrownBy(() -> new TopKEvaluator(TopKEvaluatorConfig.defaults()).evaluate(ctx))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("[0, 6)");
  }

  @Test
  void evaluate_blocks_scoreEachBlockOnClosedSubManager() {
    Split split = Fixtures.split(4, 6, TRAIN, TEST, Map.of(), false);
    MatrixScorer scorer = new MatrixScorer(SCORES);
    try (NDManager evalManager = manager.newSubManager()) {
      EvalContext ctx = new EvalContext(split, "test", TEST, TRAIN, scorer, evalManager);
      new TopKEvaluator(config(List.of(3), 2, 4, null)).evaluate(ctx);

      // 3 queries in blocks of 2 -> 2 query blocks; 6 items in blocks of 4 -> 2 item blocks.
      assertThat(scorer.blocks).isEqualTo(4);
      assertThat(evalManager.getManagedArrays()).isEmpty();
    }
  }

  @Test
  void appliesTo_anySplit_true() {
    TopKEvaluator evaluator = new TopKEvaluator(TopKEvaluatorConfig.defaults());

    assertThat(evaluator.appliesTo(Fixtures.split(4, 6, TRAIN, TEST, Map.of(), true))).isTrue();
    assertThat(evaluator.appliesTo(Fixtures.split(4, 6, TRAIN, TEST, Map.of(), false))).isTrue();
  }

  @Test
  void evaluate_engineCandidatePath_identicalToCopyingWholeBlocks() {
    // 400 items and K <= 10: with item-block 0 the evaluator selects candidates on the engine
    // (topK), with item-block 1 it copies every score; ties (coarse values) force the fallback.
    for (int levels : new int[] {0, 6}) {
      SplittableRandom rnd = new SplittableRandom(11 + levels);
      int nq = 30;
      int ni = 400;
      float[][] scores = new float[nq][ni];
      for (float[] row : scores) {
        for (int i = 0; i < ni; i++) {
          row[i] = levels == 0 ? (float) rnd.nextDouble() : rnd.nextInt(levels) / (float) levels;
        }
      }
      List<int[]> trainRows = new ArrayList<>();
      List<int[]> testRows = new ArrayList<>();
      for (int q = 0; q < nq; q++) {
        for (int i = 0; i < ni; i++) {
          double u = rnd.nextDouble();
          if (u < 0.05) {
            trainRows.add(new int[] {q, i});
          } else if (u < 0.08) {
            testRows.add(new int[] {q, i});
          }
        }
      }
      InteractionLog train = Fixtures.log(trainRows.toArray(new int[0][]), null);
      InteractionLog test = Fixtures.log(testRows.toArray(new int[0][]), null);
      Split split = Fixtures.split(nq, ni, train, test, Map.of(), false);
      List<Integer> ks = List.of(1, 5, 10);
      Evaluation fast = new TopKEvaluator(config(ks, 8, 0, null)).evaluate(
          new EvalContext(split, "test", test, train, new MatrixScorer(scores), manager));
      Evaluation slow = new TopKEvaluator(config(ks, 8, 1, null)).evaluate(
          new EvalContext(split, "test", test, train, new MatrixScorer(scores), manager));
      assertThat(fast.metrics()).as("levels %d", levels).isEqualTo(slow.metrics());
      for (String key : slow.perQuery().keySet()) {
        assertThat(fast.perQuery().get(key)).as("%s, levels %d", key, levels).containsExactly(slow.perQuery().get(key));
      }
    }
  }

  @Test
  void evaluate_anyBlockSizes_identicalResultsMatchingFullSortReference() {
    SplittableRandom rnd = new SplittableRandom(7);
    int nq = 37;
    int ni = 23;
    float[][] scores = new float[nq][ni];
    for (float[] row : scores) {
      for (int i = 0; i < ni; i++) {
        row[i] = rnd.nextInt(5) / 4f; // 5 distinct values: many ties
      }
    }
    List<int[]> trainRows = new ArrayList<>();
    List<int[]> testRows = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      for (int i = 0; i < ni; i++) {
        double u = rnd.nextDouble();
        if (u < 0.2) {
          trainRows.add(new int[] {q, i});
        } else if (u < 0.35 && q % 5 != 0) { // every 5th query has no target
          testRows.add(new int[] {q, i});
        }
      }
    }
    InteractionLog train = Fixtures.log(trainRows.toArray(new int[0][]), null);
    InteractionLog test = Fixtures.log(testRows.toArray(new int[0][]), null);
    Split split = Fixtures.split(nq, ni, train, test, Map.of(), false);
    List<Integer> ks = List.of(1, 5, 10, 50);

    Evaluation reference = null;
    for (int queryBlock : new int[] {1, 2, 7, 512}) {
      for (int itemBlock : new int[] {0, 1, 4, 5}) {
        EvalContext ctx = new EvalContext(split, "test", test, train, new MatrixScorer(scores), manager);
        Evaluation e = new TopKEvaluator(config(ks, queryBlock, itemBlock, null)).evaluate(ctx);
        if (reference == null) {
          reference = e;
          continue;
        }
        assertThat(e.queries()).containsExactly(reference.queries());
        assertThat(e.metrics()).isEqualTo(reference.metrics());
        for (String key : reference.perQuery().keySet()) {
          assertThat(e.perQuery().get(key)).as("%s at blocks %d x %d", key, queryBlock, itemBlock)
              .containsExactly(reference.perQuery().get(key));
        }
      }
    }

    // Independent reference: sort the full row by (score desc, item asc) and count.
    Map<Integer, Set<Integer>> seen = groups(train);
    Map<Integer, Set<Integer>> targets = groups(test);
    for (int i = 0; i < reference.queries().length; i++) {
      int q = (int) reference.queries()[i];
      Set<Integer> masked = seen.getOrDefault(q, Set.of());
      Integer[] order = new Integer[ni];
      for (int j = 0; j < ni; j++) {
        order[j] = j;
      }
      float[] row = scores[q];
      Arrays.sort(order, (a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b));
      List<Integer> list = Arrays.stream(order).filter(it -> !masked.contains(it)).toList();
      Set<Integer> t = targets.get(q);
      int hits = 0;
      double dcg = 0;
      for (int r = 0; r < Math.min(10, list.size()); r++) {
        if (t.contains(list.get(r))) {
          hits++;
          dcg += 1 / log2(r + 2);
        }
      }
      double idcg = 0;
      for (int r = 0; r < Math.min(10, t.size()); r++) {
        idcg += 1 / log2(r + 2);
      }
      assertThat(reference.perQuery().get("recall@10")[i]).isCloseTo((double) hits / t.size(), within(EPS));
      assertThat(reference.perQuery().get("ndcg@10")[i]).isCloseTo(dcg / idcg, within(EPS));
    }
    assertThat(reference.queries()).hasSize((int) targets.keySet().stream().count());
    assertThat(reference.queries()).doesNotContain(0L, 5L, 10L);
  }

  // Logged test rows with labels positive (click), like and stars; the row of q1 with like = 1 was
  // never shown (exposed = false) and must not count.
  private static final InteractionLog LOGGED_TEST = Fixtures.log(
      new int[][] {{0, 2}, {0, 5}, {0, 1}, {1, 2}, {1, 3}, {2, 0}, {2, 3}, {2, 4}},
      Map.of("positive", new float[] {1, 1, 0, 1, 0, 1, 1, 0},
          "like", new float[] {1, 0, 0, 0, 1, 1, 1, 0},
          "stars", new float[] {5, 3, 1, 4, 5, 2, 4, 1}),
      new boolean[] {true, true, true, true, false, true, true, true});
  private static final InteractionLog LOGGED_TRAIN = Fixtures.log(new int[][] {{0, 0}, {1, 4}, {3, 1}, {3, 2}},
      Map.of("positive", new float[] {1, 1, 1, 1}, "like", new float[] {0, 0, 0, 0},
          "stars", new float[] {4, 4, 4, 4}), null);
  // A second model of the run (a "ranker" stage): item order reversed.
  private static final float[][] RANKER = {
      {0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f},
      {0.9f, 0.2f, 0.3f, 0.6f, 0.1f, 0.6f},
      {0.0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f},
      {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};

  private static Split loggedSplit() {
    return Fixtures.split(4, 6, LOGGED_TRAIN, LOGGED_TEST, Map.of(), true);
  }

  private static TopKEvaluatorConfig labelled(String label, Double minLabel, String scorer, Integer queryBlock,
      Integer itemBlock) {
    return new TopKEvaluatorConfig(List.of(1, 3), null, queryBlock, itemBlock, null, null, label, minLabel, scorer);
  }

  private static Evaluation runLogged(TopKEvaluatorConfig config, Split split, MatrixScorer system,
      Map<String, org.towerlab.api.eval.Scorer> scorers) {
    EvalContext ctx = new EvalContext(split, "test", split.test(), TRAIN, system, scorers, manager);
    return new TopKEvaluator(config, "$.evaluators[4]").evaluate(ctx);
  }

  @Test
  void evaluate_label_targetsAreShownLoggedRowsWithThatLabelAndKeysArePrefixed() {
    Evaluation e = runLogged(labelled("like", null, null, null, null), loggedSplit(), new MatrixScorer(SCORES), Map.of());

    // like targets: q0 {2}, q2 {0, 3}; q1's like row was never shown, so q1 is not evaluated.
    // Rankings: q0 1 2 3 4 5 (0 seen), q2 0 1 2 3 4 5.
    assertThat(e.queries()).containsExactly(0L, 2L);
    assertThat(e.metrics()).containsKeys("like/recall@3", "like/ndcg@3", "like/coverage@3", "like/avg-popularity@1")
        .doesNotContainKey("recall@3");
    assertThat(e.perQuery().get("like/recall@1")).containsExactly(new double[] {0, 0.5}, within(EPS));
    assertThat(e.perQuery().get("like/recall@3")).containsExactly(new double[] {1, 0.5}, within(EPS));
    assertThat(e.perQuery().get("like/ndcg@3")).containsExactly(new double[] {L3, 1 / (1 + L3)}, within(EPS));
    assertThat(e.metrics().get("like/recall@3")).isCloseTo(0.75, within(EPS));
  }

  @Test
  void evaluate_minLabel_rowsAtOrAboveThresholdAreTargets() {
    Evaluation e = runLogged(labelled("stars", 4.0, null, null, null), loggedSplit(), new MatrixScorer(SCORES), Map.of());

    // stars >= 4 among shown rows: q0 {2} (5), q1 {2} (4), q2 {3} (4). q1 ranks 1 2 3 5 0 (4 seen).
    assertThat(e.queries()).containsExactly(0L, 1L, 2L);
    assertThat(e.perQuery().get("stars/recall@3")).containsExactly(new double[] {1, 1, 0}, within(EPS));
    assertThat(e.perQuery().get("stars/mrr@3")).containsExactly(new double[] {0.5, 0.5, 0}, within(EPS));
  }

  @Test
  void evaluate_defaultLabelOnLoggedSplit_sameAsPositiveRowsUnprefixed() {
    Split split = loggedSplit();
    Evaluation viaDefault = runLogged(labelled(null, null, null, null, null), split, new MatrixScorer(SCORES), Map.of());
    Evaluation viaPositives = new TopKEvaluator(config(List.of(1, 3), null, null, null)).evaluate(
        new EvalContext(split, "test", split.test(), TRAIN, new MatrixScorer(SCORES), manager));

    assertThat(viaDefault.metrics()).isEqualTo(viaPositives.metrics()).containsKey("recall@3");
    assertThat(viaDefault.queries()).containsExactly(0L, 1L, 2L);
  }

  @Test
  void evaluate_labelOnSplitWithoutLoggedRows_readsThePositiveRows() {
    InteractionLog positives = Fixtures.log(new int[][] {{0, 2}, {0, 5}, {2, 0}},
        Map.of("positive", new float[] {1, 1, 1}, "like", new float[] {0, 1, 1}), null);
    Split split = Fixtures.split(4, 6, TRAIN, positives, Map.of(), false);

    Evaluation e = runLogged(labelled("like", null, null, null, null), split, new MatrixScorer(SCORES), Map.of());

    // like targets: q0 {5} (rank 5 after masking 0), q2 {0} (rank 1).
    assertThat(e.queries()).containsExactly(0L, 2L);
    assertThat(e.perQuery().get("like/recall@3")).containsExactly(new double[] {0, 1}, within(EPS));
  }

  @Test
  void evaluate_unknownLabel_throwsUserExceptionNamingPathAndKnownLabels() {
    TopKEvaluator evaluator = new TopKEvaluator(labelled("likes", null, null, null, null), "$.evaluators[4]");
    Split split = loggedSplit();

    assertThatThrownBy(() -> evaluator.evaluate(new EvalContext(split, "test", split.test(), TRAIN,
        new MatrixScorer(SCORES), manager)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[4].label")
        .hasMessageContaining("'likes'")
        .hasMessageContaining("[like, positive, stars]");
    assertThat(evaluator.incompatibility(split)).contains("$.evaluators[4]").contains("[like, positive, stars]");
    assertThat(new TopKEvaluator(labelled("like", null, null, null, null)).incompatibility(split)).isNull();
    assertThat(new TopKEvaluator(TopKEvaluatorConfig.defaults()).incompatibility(split)).isNull();
  }

  @Test
  void evaluate_namedScorer_ranksThatScorerAndPrefixesBeforeLabel() {
    MatrixScorer system = new MatrixScorer(SCORES);
    Map<String, org.towerlab.api.eval.Scorer> scorers = Map.of("ranker", new MatrixScorer(RANKER));

    Evaluation staged = runLogged(labelled(null, null, "ranker", null, null), loggedSplit(), system, scorers);
    Evaluation asSystem = runLogged(labelled(null, null, null, null, null), loggedSplit(), new MatrixScorer(RANKER),
        Map.of());
    Evaluation both = runLogged(labelled("like", null, "ranker", null, null), loggedSplit(), system, scorers);

    assertThat(system.blocks).isZero();
    assertThat(staged.metrics()).hasSameSizeAs(asSystem.metrics());
    asSystem.metrics().forEach((k, v) -> assertThat(staged.metrics().get("ranker/" + k)).as(k).isEqualTo(v));
    asSystem.perQuery().forEach((k, v) -> assertThat(staged.perQuery().get("ranker/" + k)).as(k).containsExactly(v));
    // ranker, like: q0 ranks 5 4 3 2 1 -> target 2 at rank 4; q2 ranks 5 4 3 2 1 0 -> target 3 at rank 3.
    assertThat(both.perQuery().get("ranker/like/recall@3")).containsExactly(new double[] {0, 0.5}, within(EPS));
    assertThat(new TopKEvaluator(labelled(null, null, "ranker", null, null)).scorerNames()).containsExactly("ranker");
  }

  @Test
  void evaluate_unknownScorer_throwsUserExceptionNamingPathAndKnownScorers() {
    Map<String, org.towerlab.api.eval.Scorer> scorers = Map.of("ranker", new MatrixScorer(RANKER),
        "retriever", new MatrixScorer(SCORES));

    assertThatThrownBy(() -> runLogged(labelled(null, null, "rankr", null, null), loggedSplit(),
        new MatrixScorer(SCORES), scorers))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[4].scorer")
        .hasMessageContaining("'rankr'")
        .hasMessageContaining("[ranker, retriever]");
    assertThatThrownBy(() -> runLogged(labelled(null, null, "ranker", null, null), loggedSplit(),
        new MatrixScorer(SCORES), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("no named scorers");
  }

  @Test
  void evaluate_labelAndScorerAnyBlockSizes_identicalResults() {
    Map<String, org.towerlab.api.eval.Scorer> scorers = Map.of("ranker", new MatrixScorer(RANKER));
    Evaluation reference = runLogged(labelled("like", null, "ranker", 512, 0), loggedSplit(), new MatrixScorer(SCORES),
        scorers);
    for (int queryBlock : new int[] {1, 2, 3}) {
      for (int itemBlock : new int[] {1, 4, 5}) {
        Evaluation e = runLogged(labelled("like", null, "ranker", queryBlock, itemBlock), loggedSplit(),
            new MatrixScorer(SCORES), scorers);
        assertThat(e.metrics()).as("blocks %d x %d", queryBlock, itemBlock).isEqualTo(reference.metrics());
        reference.perQuery().forEach((k, v) -> assertThat(e.perQuery().get(k)).as(k).containsExactly(v));
      }
    }
  }

  @Test
  void evaluate_excludeSeen_ranksTheScorerExcludingSeenItems() {
    // A cascade scorer keeps seen items out of its upstream top-M: the evaluator must ask for that
    // view. Here the excluding view scores differently, so the metrics show which one was ranked.
    MatrixScorer excludingView = new MatrixScorer(RANKER);
    MatrixScorer system = new MatrixScorer(SCORES) {
      @Override
      public org.towerlab.api.eval.Scorer excluding(InteractionLog seen) {
        return excludingView;
      }
    };
    Split split = Fixtures.split(4, 6, TRAIN, TEST, Map.of(), false);

    Evaluation masked = new TopKEvaluator(config(List.of(3), null, null, null)).evaluate(
        new EvalContext(split, "test", TEST, TRAIN, system, manager));
    Evaluation unmasked = new TopKEvaluator(config(List.of(3), null, null, false)).evaluate(
        new EvalContext(split, "test", TEST, TRAIN, system, manager));

    assertThat(excludingView.blocks).isPositive();
    assertThat(system.blocks).isPositive(); // exclude-seen false: the scorer itself
    // RANKER with 0 masked, q0: 5 4 3 -> targets {2, 5}: hits 5 (rank 1), 3? no -> 1 of 2.
    assertThat(masked.perQuery().get("recall@3")[0]).isCloseTo(0.5, within(EPS));
  }

  private static Map<Integer, Set<Integer>> groups(InteractionLog log) {
    Map<Integer, Set<Integer>> out = new HashMap<>();
    for (int r = 0; r < log.size(); r++) {
      out.computeIfAbsent(log.queries()[r], k -> new HashSet<>()).add(log.items()[r]);
    }
    return out;
  }
}
