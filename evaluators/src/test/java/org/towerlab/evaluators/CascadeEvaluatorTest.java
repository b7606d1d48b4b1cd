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

class CascadeEvaluatorTest {
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

  // The worked example of docs/metrics.md (query 0) and a query with a seen item (query 1).
  //   stage order q0: 0 1 2 3 4 5 (3 and 4 tie at 0.6: 3 first); ranker order q0: 1 3 4 0 2 5 (2, 5 tie).
  private static final float[][] PRE_RANKER = {
      {0.9f, 0.8f, 0.7f, 0.6f, 0.6f, 0.4f},
      {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}};
  private static final float[][] RANKER = {
      {0.5f, 0.9f, 0.1f, 0.8f, 0.7f, 0.1f},
      {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}};
  private static final float[][] RETRIEVER = {
      {0.1f, 0.9f, 0.8f, 0.2f, 0.7f, 0.3f},   // top 3: 1 2 4
      {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f}};  // 0 seen: top 3 1 2 3
  private static final InteractionLog TRAIN = Fixtures.log(new int[][] {{1, 0}}, null);
  private static final InteractionLog TEST = Fixtures.log(new int[][] {{0, 2}, {1, 5}}, null);

  private static double[][] asDouble(float[][] m) {
    double[][] out = new double[m.length][];
    for (int q = 0; q < m.length; q++) {
      out[q] = new double[m[q].length];
      for (int i = 0; i < m[q].length; i++) {
        out[q][i] = m[q][i];
      }
    }
    return out;
  }

  private static Split split() {
    return Fixtures.withTruth(Fixtures.split(2, 6, TRAIN, TEST, Map.of(), false), Fixtures.truth(asDouble(RANKER)));
  }

  private static Map<String, Scorer> stages() {
    return Map.of("retriever", new MatrixScorer(RETRIEVER), "pre-ranker", new MatrixScorer(PRE_RANKER),
        "ranker", new MatrixScorer(RANKER));
  }

  private static CascadeEvaluatorConfig config(String scorer, String reference, String candidates, Integer m,
      List<Integer> ms, List<Integer> ks, Integer queryBlock, Integer itemBlock) {
    return new CascadeEvaluatorConfig(scorer, reference, candidates, m, ms, ks, null, queryBlock, itemBlock, null);
  }

  private static Evaluation run(CascadeEvaluatorConfig config, Split split, Scorer system, Map<String, Scorer> scorers) {
    EvalContext ctx = new EvalContext(split, "test", split.test(), TRAIN, system, scorers, manager);
    return new CascadeEvaluator(config, "$.evaluators[3]").evaluate(ctx);
  }

  @Test
  void evaluate_workedExample_recallOpaAndNdcgByHand() {
    Evaluation e = run(config("pre-ranker", "ranker", null, null, List.of(2, 3, 4, 5), List.of(2, 3), null, null),
        split(), new MatrixScorer(RANKER), stages());

    String p = "pre-ranker/vs-ranker/";
    assertThat(e.queries()).containsExactly(0L, 1L);
    // q0: ranker top-2 {1, 3}, top-3 {1, 3, 4}; stage top-m: {0, 1}, {0, 1, 2}, {0, 1, 2, 3}, {0, .., 4}.
    assertThat(e.perQuery().get(p + "recall@2@2")[0]).isCloseTo(0.5, within(EPS));
    assertThat(e.perQuery().get(p + "recall@4@2")[0]).isCloseTo(1.0, within(EPS));
    assertThat(e.perQuery().get(p + "recall@3@3")[0]).isCloseTo(1.0 / 3, within(EPS));
    assertThat(e.perQuery().get(p + "recall@4@3")[0]).isCloseTo(2.0 / 3, within(EPS));
    assertThat(e.perQuery().get(p + "recall@5@3")[0]).isCloseTo(1.0, within(EPS));
    assertThat(e.perQuery()).doesNotContainKey(p + "recall@2@3"); // m < k is not reported
    // 15 pairs: (2,5) tied by the ranker is left out; 8 concordant, 5 discordant, (3,4) tied by the
    // stage counts one half: (8 + 0.5) / 14.
    assertThat(e.perQuery().get(p + "opa")[0]).isCloseTo(8.5 / 14, within(EPS));
    // gains: item 1 -> k, item 3 -> k - 1, item 4 -> k - 2 (k = 3). Stage top-3 0 1 2: item 1 at rank 2.
    assertThat(e.perQuery().get(p + "ndcg@3")[0]).isCloseTo(3 * L3 / (3 + 2 * L3 + 0.5), within(EPS));
    assertThat(e.perQuery().get(p + "ndcg@3")[0]).isCloseTo(0.397490, within(1e-6));
    assertThat(e.perQuery().get(p + "ndcg@2")[0]).isCloseTo(2 * L3 / (2 + L3), within(EPS));
    // q1: item 0 seen; stage and ranker agree on 5 4 3 2 1: every metric is 1.
    assertThat(e.perQuery().get(p + "opa")[1]).isCloseTo(1.0, within(EPS));
    assertThat(e.perQuery().get(p + "recall@2@2")[1]).isCloseTo(1.0, within(EPS));
    assertThat(e.perQuery().get(p + "ndcg@3")[1]).isCloseTo(1.0, within(EPS));
    assertThat(e.metrics().get(p + "opa")).isCloseTo((8.5 / 14 + 1) / 2, within(EPS));
  }

  @Test
  void evaluate_candidatesFromUpstreamStage_onlyItsTopMCount() {
    Evaluation e = run(config("pre-ranker", "ranker", "retriever", 3, List.of(2, 3), List.of(2), null, null),
        split(), new MatrixScorer(RANKER), stages());

    String p = "pre-ranker/vs-ranker/in-retriever-top3/";
    // q0 candidates {1, 2, 4}: stage 1 2 4, ranker 1 4 2.
    assertThat(e.perQuery().get(p + "recall@2@2")[0]).isCloseTo(0.5, within(EPS));
    assertThat(e.perQuery().get(p + "recall@3@2")[0]).isCloseTo(1.0, within(EPS));
    // (1,2) and (1,4) concordant, (2,4) discordant
    assertThat(e.perQuery().get(p + "opa")[0]).isCloseTo(2.0 / 3, within(EPS));
    // q1 candidates {1, 2, 3} (0 seen): stage and ranker both 3 2 1.
    assertThat(e.perQuery().get(p + "opa")[1]).isCloseTo(1.0, within(EPS));
  }

  @Test
  void evaluate_truthReference_sameAsScorerWithTheSameValues() {
    // the ground truth of split() is the ranker's matrix
    Evaluation vsTruth = run(config("pre-ranker", "truth", "retriever", 3, List.of(2, 3), List.of(2), null, null),
        split(), new MatrixScorer(RANKER), stages());
    Evaluation vsRanker = run(config("pre-ranker", "ranker", "retriever", 3, List.of(2, 3), List.of(2), null, null),
        split(), new MatrixScorer(RANKER), stages());

    vsRanker.metrics().forEach((k, v) -> assertThat(vsTruth.metrics().get(k.replace("vs-ranker", "vs-truth")))
        .as(k).isCloseTo(v, within(EPS)));
    assertThat(vsTruth.metrics()).hasSameSizeAs(vsRanker.metrics());
  }

  @Test
  void evaluate_systemAsStage_unprefixedByScorer() {
    Evaluation e = run(config(null, "ranker", null, null, List.of(2), List.of(2), null, null), split(),
        new MatrixScorer(PRE_RANKER), Map.of("ranker", new MatrixScorer(RANKER)));

    assertThat(e.metrics()).containsOnlyKeys("vs-ranker/recall@2@2", "vs-ranker/opa", "vs-ranker/ndcg@2");
    assertThat(e.perQuery().get("vs-ranker/opa")[0]).isCloseTo(8.5 / 14, within(EPS));
  }

  @Test
  void evaluate_unknownScorersOrMissingTruth_clearErrors() {
    assertThatThrownBy(() -> run(config("pre-ranker", "rankr", null, null, null, null, null, null), split(),
        new MatrixScorer(RANKER), stages()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[3].reference")
        .hasMessageContaining("[pre-ranker, ranker, retriever]");
    assertThatThrownBy(() -> run(config("pre-ranker", "ranker", "retreiver", 3, List.of(3), List.of(2), null, null),
        split(), new MatrixScorer(RANKER), stages()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[3].candidates");
    Split plain = Fixtures.split(2, 6, TRAIN, TEST, Map.of(), false);
    CascadeEvaluator truth = new CascadeEvaluator(config(null, "truth", null, null, null, null, null, null),
        "$.evaluators[3]");
    assertThat(truth.appliesTo(plain)).isFalse();
    assertThat(truth.incompatibility(plain)).contains("$.evaluators[3]").contains("no ground truth");
    assertThat(new CascadeEvaluator(config(null, "ranker", null, null, null, null, null, null)).incompatibility(plain))
        .isNull();
    assertThat(new CascadeEvaluator(config("pre-ranker", "ranker", "retriever", 100, null, null, null, null))
        .scorerNames()).containsExactly("pre-ranker", "ranker", "retriever");
  }

  @Test
  void config_invalidCombinations_throwWithValues() {
    assertThatThrownBy(() -> config(null, null, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference");
    assertThatThrownBy(() -> config(null, "ranker", "retriever", null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate-size");
    assertThatThrownBy(() -> config(null, "ranker", null, 50, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("50");
    assertThatThrownBy(() -> config(null, "ranker", "retriever", 20, List.of(50), null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20").hasMessageContaining("50");
    assertThatThrownBy(() -> config(null, "ranker", null, null, List.of(5), List.of(10), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m >= k");
    assertThatThrownBy(() -> config(null, "vs/ranker", null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'vs/ranker'");
  }

  @Test
  void evaluate_anyBlockSizes_identicalAndMatchingBruteForce() {
    SplittableRandom rnd = new SplittableRandom(9);
    int nq = 19;
    int ni = 31;
    float[][] stage = new float[nq][ni];
    float[][] ranker = new float[nq][ni];
    float[][] retriever = new float[nq][ni];
    for (int q = 0; q < nq; q++) {
      for (int i = 0; i < ni; i++) {
        stage[q][i] = rnd.nextInt(5) / 4f; // many ties
        ranker[q][i] = rnd.nextInt(7) / 6f;
        retriever[q][i] = rnd.nextInt(9) / 8f;
      }
    }
    List<int[]> trainRows = new ArrayList<>();
    List<int[]> testRows = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      for (int i = 0; i < ni; i++) {
        double u = rnd.nextDouble();
        if (u < 0.2) {
          trainRows.add(new int[] {q, i});
        } else if (u < 0.3 && q % 6 != 0) {
          testRows.add(new int[] {q, i});
        }
      }
    }
    InteractionLog train = Fixtures.log(trainRows.toArray(new int[0][]), null);
    InteractionLog test = Fixtures.log(testRows.toArray(new int[0][]), null);
    Split split = Fixtures.split(nq, ni, train, test, Map.of(), false);
    Map<String, Scorer> scorers = Map.of("stage", new MatrixScorer(stage), "ranker", new MatrixScorer(ranker),
        "retriever", new MatrixScorer(retriever));

    for (String candidates : new String[] {null, "retriever"}) {
      Integer m = candidates == null ? null : 12;
      Evaluation reference = null;
      for (int queryBlock : new int[] {1, 5, 128}) {
        for (int itemBlock : new int[] {0, 1, 7}) {
          Evaluation e = new CascadeEvaluator(config("stage", "ranker", candidates, m, List.of(3, 5, 10), List.of(3, 5),
              queryBlock, itemBlock)).evaluate(new EvalContext(split, "test", test, train, new MatrixScorer(stage),
                  scorers, manager));
          if (reference == null) {
            reference = e;
            continue;
          }
          assertThat(e.queries()).containsExactly(reference.queries());
          assertThat(e.metrics()).as("%s, blocks %d x %d", candidates, queryBlock, itemBlock)
              .isEqualTo(reference.metrics());
          for (String key : reference.perQuery().keySet()) {
            assertThat(e.perQuery().get(key)).as(key).containsExactly(reference.perQuery().get(key));
          }
        }
      }
      // Independent reference: full sorts and all pairs.
      String p = candidates == null ? "stage/vs-ranker/" : "stage/vs-ranker/in-retriever-top12/";
      for (int j = 0; j < reference.queries().length; j++) {
        int q = (int) reference.queries()[j];
        Set<Integer> seen = new HashSet<>();
        for (int r = 0; r < train.size(); r++) {
          if (train.queries()[r] == q) {
            seen.add(train.items()[r]);
          }
        }
        List<Integer> cand = sorted(ni, seen, i -> retriever[q][i]);
        if (candidates != null) {
          cand = cand.subList(0, Math.min(12, cand.size()));
        }
        Set<Integer> candSet = new HashSet<>(cand);
        List<Integer> s = sorted(ni, seen, i -> stage[q][i]).stream().filter(candSet::contains).toList();
        List<Integer> y = sorted(ni, seen, i -> ranker[q][i]).stream().filter(candSet::contains).toList();
        Set<Integer> topY = new HashSet<>(y.subList(0, Math.min(3, y.size())));
        long kept = s.subList(0, Math.min(5, s.size())).stream().filter(topY::contains).count();
        assertThat(reference.perQuery().get(p + "recall@5@3")[j]).isCloseTo((double) kept / Math.min(3, y.size()),
            within(EPS));
        double ordered = 0;
        double agree = 0;
        for (int a : cand) {
          for (int b : cand) {
            if (ranker[q][a] > ranker[q][b]) {
              ordered++;
              agree += stage[q][a] > stage[q][b] ? 1 : stage[q][a] == stage[q][b] ? 0.5 : 0;
            }
          }
        }
        assertThat(reference.perQuery().get(p + "opa")[j]).isCloseTo(agree / ordered, within(EPS));
      }
    }
  }

  @Test
  void evaluate_truthEvaluatorRecall_equalsCascadeRecallAtKAtKOverCorpus() {
    Split split = split();
    Evaluation truth = new TruthEvaluator(new TruthEvaluatorConfig(List.of(2, 3), List.of("recall"), null, null, null,
        "pre-ranker")).evaluate(new EvalContext(split, "test", split.test(), TRAIN, new MatrixScorer(RANKER), stages(),
            manager));
    Evaluation cascade = run(config("pre-ranker", "truth", null, null, List.of(2, 3), List.of(2, 3), null, null), split,
        new MatrixScorer(RANKER), stages());

    for (int k : new int[] {2, 3}) {
      assertThat(cascade.perQuery().get("pre-ranker/vs-truth/recall@" + k + "@" + k))
          .containsExactly(truth.perQuery().get("pre-ranker/truth/recall@" + k), within(EPS));
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
