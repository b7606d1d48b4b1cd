package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.random.Seeds;
import org.towerlab.evaluators.Fixtures.MatrixScorer;

class IpsEvaluatorTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  // q0 ranks 0, 2, 3, 1; q1 ranks 2, then 0 and 1 tied at 0.2 (the lower id 0 first), then 3.
  private static final float[][] SCORES = {{0.9f, 0.1f, 0.5f, 0.3f}, {0.2f, 0.2f, 0.8f, 0.1f}};

  /** Logged impressions {query, item, position} with clicks and propensities. */
  private static InteractionLog impressions(int[][] rows, float[] click, float[] propensity, boolean[] exposed) {
    int n = rows.length;
    int[] q = new int[n];
    int[] it = new int[n];
    int[] pos = new int[n];
    for (int r = 0; r < n; r++) {
      q[r] = rows[r][0];
      it[r] = rows[r][1];
      pos[r] = rows[r][2];
    }
    return new InteractionLog(q, it, new long[n], Map.of("positive", click, "click", click), exposed, pos, propensity);
  }

  private static final InteractionLog HAND = impressions(
      new int[][] {{0, 0, 0}, {0, 2, 1}, {0, 1, 0}, {1, 2, 0}, {1, 1, 1}, {1, 0, 1}},
      new float[] {1, 0, 1, 1, 1, 0},
      new float[] {0.5f, 0.25f, 0.5f, 0.25f, 0.5f, 0.2f}, null);

  private static Evaluation run(IpsEvaluatorConfig config, InteractionLog test, float[][] scores, int queries) {
    Split split = Fixtures.split(queries, scores[0].length, test, test, Map.of(), true);
    EvalContext ctx = new EvalContext(split, "test", split.test(), split.train(), new MatrixScorer(scores), manager);
    return new IpsEvaluator(config).evaluate(ctx);
  }

  private static IpsEvaluatorConfig config(String label, Double clip) {
    return new IpsEvaluatorConfig(label, clip, null, null, null, null, null, null);
  }

  @Test
  void evaluate_handLog_matchesItemAtLoggedPositionAndWeighsByInversePropensity() {
    Evaluation e = run(IpsEvaluatorConfig.defaults(), HAND, SCORES, 2);

    // Matches: (q0, 0, pos 0) w 2 r 1; (q0, 2, pos 1) w 4 r 0; (q1, 2, pos 0) w 4 r 1; (q1, 0, pos 1) w 5 r 0
    // (the tie puts item 0 before item 1 at position 1, so (q1, 1, pos 1) does not match).
    // Propensities are floats (0.2f is not 1/5 exactly): tolerances 1e-6.
    assertThat(e.metrics().get("ips")).isCloseTo((2.0 + 4.0) / 6, within(1e-6));
    assertThat(e.metrics().get("snips")).isCloseTo(6.0 / 15, within(1e-6));
    assertThat(e.metrics().get("ess")).isCloseTo(225.0 / 61, within(1e-6));
    assertThat(e.metrics().get("matched")).isEqualTo(4.0);
    assertThat(e.metrics().get("impressions")).isEqualTo(6.0);
    assertThat(e.metrics().get("logged-reward")).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(e.metrics().get("ips-lower")).isCloseTo(1 - 1.959963984540054 * Math.sqrt(14.0 / 5 / 6), within(1e-6));
    assertThat(e.metrics().get("snips-upper")).isCloseTo(0.4 + 1.959963984540054 * Math.sqrt(13.76) / 15,
        within(1e-6));
    assertThat(e.perQuery()).isEmpty();
  }

  @Test
  void evaluate_groundTruth_truthValueOfTheRankingAtTheLoggedSlots() {
    Split split = Fixtures.withTruth(Fixtures.split(2, 4, HAND, HAND, Map.of(), true),
        Fixtures.truth(new double[][] {{0.1, 0.2, 0.3, 0.4}, {0.5, 0.6, 0.7, 0.8}}));
    EvalContext ctx = new EvalContext(split, "test", split.test(), split.train(), new MatrixScorer(SCORES), manager);

    Evaluation e = new IpsEvaluator(IpsEvaluatorConfig.defaults()).evaluate(ctx);

    // Slots (q0, 0) (q0, 1) (q0, 0) (q1, 0) (q1, 1) (q1, 1) get items 0, 2, 0, 2, 0, 0.
    assertThat(e.metrics().get("truth-value")).isCloseTo((0.1 + 0.3 + 0.1 + 0.7 + 0.5 + 0.5) / 6, within(1e-12));
    assertThat(run(IpsEvaluatorConfig.defaults(), HAND, SCORES, 2).metrics()).doesNotContainKey("truth-value");
  }

  @Test
  void incompatibility_cascadeLog_refused() {
    InteractionLog cascade = new InteractionLog(new int[] {0}, new int[] {0}, new long[1],
        Map.of("positive", new float[] {1}), null, new int[] {0}, new float[] {0.5f}, null, new int[] {2});
    Split split = Fixtures.split(2, 4, cascade, cascade, Map.of(), true);

    assertThat(new IpsEvaluator(IpsEvaluatorConfig.defaults()).incompatibility(split)).contains("cascade log");
  }

  @Test
  void evaluate_clip_capsWeights() {
    Evaluation e = run(config(null, 3.0), HAND, SCORES, 2);

    // Weights 2, 3, 0, 3, 0, 3: sum w r = 2 + 3, sum w = 11.
    assertThat(e.metrics().get("ips")).isCloseTo(5.0 / 6, within(1e-12));
    assertThat(e.metrics().get("snips")).isCloseTo(5.0 / 11, within(1e-12));
  }

  @Test
  void evaluate_label_prefixesKeysAndReadsThatReward() {
    Evaluation e = run(config("click", null), HAND, SCORES, 2);

    assertThat(e.metrics()).containsKey("click/ips").doesNotContainKey("ips");
    assertThat(e.metrics().get("click/snips")).isCloseTo(0.4, within(1e-6));
  }

  @Test
  void evaluate_unexposedCandidates_leftOut() {
    InteractionLog withCandidate = impressions(
        new int[][] {{0, 0, 0}, {0, 3, 2}, {1, 2, 0}},
        new float[] {1, 0, 0}, new float[] {0.5f, 0.5f, 0.25f}, new boolean[] {true, false, true});

    Evaluation e = run(IpsEvaluatorConfig.defaults(), withCandidate, SCORES, 2);

    // Only the two shown rows: w r = 2 and 0.
    assertThat(e.metrics().get("impressions")).isEqualTo(2.0);
    assertThat(e.metrics().get("ips")).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void evaluate_targetIsLoggingPolicy_snipsAndIpsEqualMeanLoggedReward() {
    // A deterministic logging policy that shows the model's own ranking (propensity 1).
    InteractionLog onPolicy = impressions(
        new int[][] {{0, 0, 0}, {0, 2, 1}, {0, 3, 2}, {1, 2, 0}, {1, 0, 1}, {0, 0, 0}, {1, 2, 0}},
        new float[] {1, 0, 1, 0, 0, 1, 1}, new float[] {1, 1, 1, 1, 1, 1, 1}, null);

    Evaluation e = run(IpsEvaluatorConfig.defaults(), onPolicy, SCORES, 2);

    assertThat(e.metrics().get("snips")).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(e.metrics().get("ips")).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(e.metrics().get("logged-reward")).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(e.metrics().get("ess")).isCloseTo(7.0, within(1e-12));
  }

  @Test
  void evaluate_uniformLoggingPolicy_ipsUnbiasedAndIntervalsCover() {
    // Q contexts, I items, 3 slots. Logging: a uniformly random slate without replacement, so
    // P(item a at slot p) = 1/I. Click probability base[q][a] * examination[p]. The evaluated policy
    // ranks by base (the best ranking); its value per impression, contexts uniform:
    // V = (1/Q) sum_q (1/3) sum_p base[q][L_q[p]] examination[p].
    int numQueries = 8;
    int numItems = 6;
    int slots = 3;
    double[] examination = {1.0, 0.7, 0.5};
    SplittableRandom rng = new Seeds(11).stream("ips-test");
    float[][] base = new float[numQueries][numItems];
    for (int q = 0; q < numQueries; q++) {
      for (int a = 0; a < numItems; a++) {
        base[q][a] = (float) (0.05 + 0.9 * rng.nextDouble());
      }
    }
    double truth = 0;
    double uniform = 0;
    for (int q = 0; q < numQueries; q++) {
      float[] row = base[q];
      int[] ranked = java.util.stream.IntStream.range(0, numItems).boxed()
          .sorted((x, y) -> Float.compare(row[y], row[x])).mapToInt(Integer::intValue).toArray();
      double meanBase = 0;
      for (int a = 0; a < numItems; a++) {
        meanBase += base[q][a] / numItems;
      }
      for (int p = 0; p < slots; p++) {
        truth += base[q][ranked[p]] * examination[p] / (numQueries * slots);
        uniform += meanBase * examination[p] / (numQueries * slots);
      }
    }
    assertThat(truth - uniform).as("the policy differs from logging").isGreaterThan(0.1);

    int logs = 200;
    int requests = 300;
    double ipsSum = 0;
    double snipsSum = 0;
    double loggedSum = 0;
    int ipsCovers = 0;
    int snipsCovers = 0;
    for (int l = 0; l < logs; l++) {
      int[][] rows = new int[requests * slots][];
      float[] click = new float[requests * slots];
      float[] propensity = new float[requests * slots];
      for (int req = 0; req < requests; req++) {
        int q = rng.nextInt(numQueries);
        int[] slate = Seeds.permutation(numItems, rng);
        for (int p = 0; p < slots; p++) {
          int i = req * slots + p;
          rows[i] = new int[] {q, slate[p], p};
          click[i] = rng.nextDouble() < base[q][slate[p]] * examination[p] ? 1f : 0f;
          propensity[i] = 1f / numItems;
        }
      }
      Evaluation e = run(IpsEvaluatorConfig.defaults(), impressions(rows, click, propensity, null), base, numQueries);
      Map<String, Double> m = e.metrics();
      ipsSum += m.get("ips");
      snipsSum += m.get("snips");
      loggedSum += m.get("logged-reward");
      ipsCovers += m.get("ips-lower") <= truth && truth <= m.get("ips-upper") ? 1 : 0;
      snipsCovers += m.get("snips-lower") <= truth && truth <= m.get("snips-upper") ? 1 : 0;
    }
    System.out.printf("ips simulation: truth %.4f, logging %.4f, mean ips %.4f, mean snips %.4f,"
        + " ips interval coverage %.3f, snips %.3f%n", truth, uniform, ipsSum / logs, snipsSum / logs,
        ipsCovers / (double) logs, snipsCovers / (double) logs);
    // One log's IPS has a standard error of about 0.04; the mean of 200 about 0.003.
    assertThat(ipsSum / logs).isCloseTo(truth, within(0.012));
    assertThat(snipsSum / logs).isCloseTo(truth, within(0.012));
    assertThat(loggedSum / logs).isCloseTo(uniform, within(0.012));
    assertThat(ipsCovers / (double) logs).isBetween(0.90, 0.99);
    assertThat(snipsCovers / (double) logs).isBetween(0.88, 0.99);
  }

  @Test
  void incompatibility_positivesOnly_refusedWithPath() {
    Split split = Fixtures.split(2, 4, HAND, HAND, Map.of(), false);

    String reason = new IpsEvaluator(IpsEvaluatorConfig.defaults(), "$.evaluators[1]").incompatibility(split);

    assertThat(reason).contains("$.evaluators[1]").contains("keeps only the positive rows");
  }

  @Test
  void incompatibility_noPropensities_refused() {
    InteractionLog plain = Fixtures.log(new int[][] {{0, 0}, {1, 2}}, Map.of("positive", new float[] {1, 0}), null);
    Split split = Fixtures.split(2, 4, plain, plain, Map.of(), true);

    assertThat(new IpsEvaluator(IpsEvaluatorConfig.defaults()).incompatibility(split))
        .contains("positions and logging propensities");
    assertThat(new IpsEvaluator(IpsEvaluatorConfig.defaults()).incompatibility(
        Fixtures.split(2, 4, HAND, HAND, Map.of(), true))).isNull();
  }

  @Test
  void incompatibility_unknownRewardLabel_namesLabels() {
    Split split = Fixtures.split(2, 4, HAND, HAND, Map.of(), true);

    assertThat(new IpsEvaluator(config("like", null), "$.evaluators[0]").incompatibility(split))
        .contains("'like'").contains("click");
  }

  @Test
  void evaluate_zeroPropensity_userError() {
    InteractionLog bad = impressions(new int[][] {{0, 0, 0}}, new float[] {1}, new float[] {0f}, null);

    assertThatThrownBy(() -> run(IpsEvaluatorConfig.defaults(), bad, SCORES, 2))
        .isInstanceOf(UserException.class).hasMessageContaining("propensity 0.0");
  }

  @Test
  void config_badValues_rejectedWithValue() {
    assertThatThrownBy(() -> config(null, 0.0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> new IpsEvaluatorConfig(null, null, 1.0, null, null, null, null, null))
        .hasMessageContaining("got 1.0");
  }
}
