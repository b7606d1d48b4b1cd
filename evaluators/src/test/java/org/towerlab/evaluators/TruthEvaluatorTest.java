package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Scorer;
import org.towerlab.evaluators.Fixtures.MatrixScorer;

class TruthEvaluatorTest {
  private static final double EPS = 1e-9;
  private static final double L3 = 1 / (Math.log(3) / Math.log(2)); // discount of rank 2

  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  // 3 queries x 5 items; q2 has no test positive and is not evaluated.
  private static final float[][] MODEL = {
      {0.9f, 0.8f, 0.7f, 0.6f, 0.5f},
      {0.1f, 0.2f, 0.3f, 0.4f, 0.5f},
      {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}};
  private static final double[][] RELEVANCE = {
      {0.1, 0.9, 0.5, 0.9, 0.2}, // items 1 and 3 tie: the true order is 1 3 2 4 0
      {0.8, 0.6, 0.4, 0.2, 0.0},
      {0.5, 0.5, 0.5, 0.5, 0.5}};
  private static final InteractionLog TRAIN = Fixtures.log(new int[][] {{0, 0}, {2, 1}}, null);
  private static final InteractionLog TEST = Fixtures.log(new int[][] {{0, 2}, {1, 4}, {2, 3}},
      new float[] {1, 1, 0});

  private static Split split() {
    return Fixtures.withTruth(Fixtures.split(3, 5, TRAIN, TEST, Map.of(), false), Fixtures.truth(RELEVANCE));
  }

  private static Evaluation run(TruthEvaluatorConfig config, Split split, Scorer system, Map<String, Scorer> scorers) {
    EvalContext ctx = new EvalContext(split, "test", split.test(), TRAIN, system, scorers, manager);
    return new TruthEvaluator(config, "$.evaluators[2]").evaluate(ctx);
  }

  @Test
  void evaluate_handExample_matchesHandComputedMetrics() {
    Evaluation e = run(new TruthEvaluatorConfig(List.of(1, 2, 3), null, null, null, null, null), split(),
        new MatrixScorer(MODEL), Map.of());

    // q0 (item 0 seen): model 1 2 3 4, truth 1 3 2 4. q1: model 4 3 2 1 0, truth 0 1 2 3 4.
    assertThat(e.queries()).containsExactly(0L, 1L);
    assertThat(e.perQuery().get("truth/recall@1")).containsExactly(new double[] {1, 0}, within(EPS));
    assertThat(e.perQuery().get("truth/recall@2")).containsExactly(new double[] {0.5, 0}, within(EPS));
    assertThat(e.perQuery().get("truth/recall@3")).containsExactly(new double[] {1, 1.0 / 3}, within(EPS));
    assertThat(e.perQuery().get("truth/ndcg@1")).containsExactly(new double[] {1, 0}, within(EPS));
    assertThat(e.perQuery().get("truth/ndcg@2")).containsExactly(
        new double[] {(0.9 + 0.5 * L3) / (0.9 + 0.9 * L3), (0.2 * L3) / (0.8 + 0.6 * L3)}, within(EPS));
    assertThat(e.perQuery().get("truth/ndcg@3")).containsExactly(new double[] {
        (0.9 + 0.5 * L3 + 0.9 / 2) / (0.9 + 0.9 * L3 + 0.5 / 2),
        (0.2 * L3 + 0.4 / 2) / (0.8 + 0.6 * L3 + 0.4 / 2)}, within(EPS));
    assertThat(e.perQuery().get("truth/relevance@2")).containsExactly(new double[] {0.7, 0.1}, within(EPS));
    assertThat(e.perQuery().get("truth/relevance@3")).containsExactly(new double[] {2.3 / 3, 0.2}, within(EPS));
    assertThat(e.metrics().get("truth/recall@3")).isCloseTo((1 + 1.0 / 3) / 2, within(EPS));
  }

  @Test
  void evaluate_kAboveCandidates_dividesByCandidates() {
    Evaluation e = run(new TruthEvaluatorConfig(List.of(10), null, null, null, null, null), split(),
        new MatrixScorer(MODEL), Map.of());

    // q0 has 4 unseen items: all found, the mean relevance is that of all four.
    assertThat(e.perQuery().get("truth/recall@10")).containsExactly(new double[] {1, 1}, within(EPS));
    assertThat(e.perQuery().get("truth/relevance@10")[0]).isCloseTo((0.9 + 0.5 + 0.9 + 0.2) / 4, within(EPS));
    assertThat(e.perQuery().get("truth/ndcg@10")[1]).isLessThan(1.0);
  }

  @Test
  void evaluate_namedScorer_prefixedKeysAndThatScorerRanked() {
    MatrixScorer system = new MatrixScorer(MODEL);
    Evaluation e = run(new TruthEvaluatorConfig(List.of(1), List.of("recall"), null, null, null, "retriever"), split(),
        system, Map.of("retriever", new MatrixScorer(new float[][] {
            {0, 0, 0, 1, 0}, {1, 0, 0, 0, 0}, {0, 0, 0, 0, 0}})));

    assertThat(e.metrics()).containsOnlyKeys("retriever/truth/recall@1");
    assertThat(e.perQuery().get("retriever/truth/recall@1")).containsExactly(new double[] {0, 1}, within(EPS));
    assertThat(system.blocks).isZero();
  }

  @Test
  void evaluate_withoutGroundTruth_refusedWithReason() {
    Split plain = Fixtures.split(3, 5, TRAIN, TEST, Map.of(), false);
    TruthEvaluator evaluator = new TruthEvaluator(TruthEvaluatorConfig.defaults(), "$.evaluators[2]");

    assertThat(evaluator.appliesTo(plain)).isFalse();
    assertThat(evaluator.incompatibility(plain)).contains("$.evaluators[2]").contains("no ground truth")
        .contains("'hand'");
    assertThat(evaluator.appliesTo(split())).isTrue();
    assertThat(evaluator.incompatibility(split())).isNull();
    assertThatThrownBy(() -> run(TruthEvaluatorConfig.defaults(), plain, new MatrixScorer(MODEL), Map.of()))
        .isInstanceOf(UserException.class).hasMessageContaining("no ground truth");
  }

  @Test
  void evaluate_anyBlockSizes_identicalAndMatchingFullSortReference() {
    SplittableRandom rnd = new SplittableRandom(5);
    int nq = 23;
    int ni = 17;
    float[][] scores = new float[nq][ni];
    double[][] relevance = new double[nq][ni];
    for (int q = 0; q < nq; q++) {
      for (int i = 0; i < ni; i++) {
        scores[q][i] = rnd.nextInt(4) / 3f; // ties
        relevance[q][i] = rnd.nextInt(6) / 5.0; // ties
      }
    }
    List<int[]> trainRows = new ArrayList<>();
    List<int[]> testRows = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      for (int i = 0; i < ni; i++) {
        double u = rnd.nextDouble();
        if (u < 0.25) {
          trainRows.add(new int[] {q, i});
        } else if (u < 0.35 && q % 4 != 0) {
          testRows.add(new int[] {q, i});
        }
      }
    }
    InteractionLog train = Fixtures.log(trainRows.toArray(new int[0][]), null);
    InteractionLog test = Fixtures.log(testRows.toArray(new int[0][]), null);
    Split split = Fixtures.withTruth(Fixtures.split(nq, ni, train, test, Map.of(), false), Fixtures.truth(relevance));
    List<Integer> ks = List.of(1, 3, 8, 40);

    Evaluation reference = null;
    for (int queryBlock : new int[] {1, 4, 512}) {
      for (int itemBlock : new int[] {0, 1, 5}) {
        Evaluation e = new TruthEvaluator(new TruthEvaluatorConfig(ks, null, queryBlock, itemBlock, null, null))
            .evaluate(new EvalContext(split, "test", test, train, new MatrixScorer(scores), manager));
        if (reference == null) {
          reference = e;
          continue;
        }
        assertThat(e.queries()).containsExactly(reference.queries());
        assertThat(e.metrics()).as("blocks %d x %d", queryBlock, itemBlock).isEqualTo(reference.metrics());
        for (String key : reference.perQuery().keySet()) {
          assertThat(e.perQuery().get(key)).as(key).containsExactly(reference.perQuery().get(key));
        }
      }
    }

    // Independent reference: full sorts with ties broken by the lower item id.
    for (int j = 0; j < reference.queries().length; j++) {
      int q = (int) reference.queries()[j];
      Set<Integer> seen = new HashSet<>();
      for (int r = 0; r < train.size(); r++) {
        if (train.queries()[r] == q) {
          seen.add(train.items()[r]);
        }
      }
      List<Integer> model = sorted(ni, seen, i -> scores[q][i]);
      List<Integer> truth = sorted(ni, seen, i -> relevance[q][i]);
      int k = Math.min(8, model.size());
      Set<Integer> best = new HashSet<>(truth.subList(0, k));
      long found = model.subList(0, k).stream().filter(best::contains).count();
      assertThat(reference.perQuery().get("truth/recall@8")[j]).isCloseTo((double) found / k, within(EPS));
    }
  }

  private static List<Integer> sorted(int n, Set<Integer> seen, java.util.function.IntToDoubleFunction value) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> value.applyAsDouble(a) != value.applyAsDouble(b)
        ? Double.compare(value.applyAsDouble(b), value.applyAsDouble(a)) : Integer.compare(a, b));
    return Arrays.stream(order).filter(i -> !seen.contains(i)).toList();
  }
}
