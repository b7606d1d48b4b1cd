package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.evaluators.Fixtures.MatrixScorer;

class PointwiseEvaluatorTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  // Logits per (query, item).
  private static final float[][] SCORES = {
      {2f, 1f, -1f, -2f},  // q0: positives 0, 1 above negatives 2, 3 -> AUC 1
      {-1f, 1f, 0f, 0f},   // q1: positive 0 below negative 1 -> AUC 0
      {0.5f, 0.5f, 0.5f, 0.5f}, // q2: only positives -> no AUC
      {0f, 0f, 0f, 0f}};
  private static final InteractionLog TEST = Fixtures.log(
      new int[][] {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 0}, {1, 1}, {2, 0}, {2, 1}, {2, 2}},
      new float[] {1, 1, 0, 0, 1, 0, 1, 1, 1});

  private static Evaluation run(InteractionLog test, int block) {
    Split split = Fixtures.split(4, 4, test, test, Map.of(), true);
    EvalContext ctx = new EvalContext(split, "test", test, null, new MatrixScorer(SCORES), manager);
    return new PointwiseEvaluator(new PointwiseEvaluatorConfig(null, block)).evaluate(ctx);
  }

  @Test
  void evaluate_threeQueries_gaucWeightsByRowsOverTwoClassQueries() {
    Evaluation e = run(TEST, 4);

    // GAUC = (4 rows * 1.0 + 2 rows * 0.0) / (4 + 2); q2 (one class) is left out.
    assertThat(e.metrics().get("gauc")).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(e.queries()).containsExactly(0L, 1L, 2L);
    assertThat(e.perQuery().get("auc")[0]).isEqualTo(1.0);
    assertThat(e.perQuery().get("auc")[1]).isEqualTo(0.0);
    assertThat(e.perQuery().get("auc")[2]).isNaN();
  }

  @Test
  void evaluate_threeQueries_aucAndLogLossOverAllRows() {
    Evaluation e = run(TEST, 4);

    // Positives 2, 1, -1, .5, .5, .5 vs negatives -1, -2, 1:
    //   2 beats 3; 1 beats 2, ties 1 (2.5); -1 beats 1, ties 1 (1.5); each .5 beats 2 (6) -> 13/18.
    assertThat(e.metrics().get("auc")).isCloseTo(13.0 / 18, within(1e-12));
    double[] s = {2, 1, -1, -2, -1, 1, 0.5, 0.5, 0.5};
    boolean[] y = {true, true, false, false, true, false, true, true, true};
    double loss = 0;
    for (int i = 0; i < s.length; i++) {
      double p = 1 / (1 + Math.exp(-s[i]));
      loss -= y[i] ? Math.log(p) : Math.log(1 - p);
    }
    assertThat(e.metrics().get("logloss")).isCloseTo(loss / 9, within(1e-9));
  }

  @Test
  void evaluate_anyBlock_sameResult() {
    Evaluation a = run(TEST, 1);
    Evaluation b = run(TEST, 1000);

    assertThat(a.metrics()).isEqualTo(b.metrics());
  }

  @Test
  void evaluate_noPositiveLabel_throwsUserException() {
    InteractionLog unlabelled = new InteractionLog(new int[] {0}, new int[] {0}, new long[] {0}, Map.of(),
        null, null, null);

    assertThatThrownBy(() -> run(unlabelled, 4)).isInstanceOf(UserException.class).hasMessageContaining("positive");
  }

  @Test
  void appliesTo_pointwiseOnly() {
    PointwiseEvaluator evaluator = new PointwiseEvaluator(PointwiseEvaluatorConfig.defaults());

    assertThat(evaluator.appliesTo(Fixtures.split(4, 4, TEST, TEST, Map.of(), true))).isTrue();
    assertThat(evaluator.appliesTo(Fixtures.split(4, 4, TEST, TEST, Map.of(), false))).isFalse();
  }

  // The same rows with a second label.
  private static final InteractionLog LIKES = Fixtures.log(
      new int[][] {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 0}, {1, 1}, {2, 0}, {2, 1}, {2, 2}},
      Map.of("positive", new float[] {1, 1, 0, 0, 1, 0, 1, 1, 1},
          "like", new float[] {1, 0, 1, 0, 0, 1, 0, 0, 0}), null);

  private static Evaluation runWith(PointwiseEvaluatorConfig config, Map<String, org.towerlab.api.eval.Scorer> scorers) {
    Split split = Fixtures.split(4, 4, LIKES, LIKES, Map.of(), true);
    EvalContext ctx = new EvalContext(split, "test", split.test(), null, new MatrixScorer(SCORES), scorers, manager);
    return new PointwiseEvaluator(config, "$.evaluators[1]").evaluate(ctx);
  }

  @Test
  void evaluate_label_likeDefinesPositivesAndPrefixesKeys() {
    Evaluation e = runWith(new PointwiseEvaluatorConfig(null, 2, "like", null, null), Map.of());

    // like positives 2 (q0), -1 (q0), 1 (q1) vs negatives 1, -2, -1, .5, .5, .5:
    //   2 beats 6; -1 beats 1, ties 1 (1.5); 1 beats 5, ties 1 (5.5) -> 13/18.
    assertThat(e.metrics()).containsOnlyKeys("like/auc", "like/gauc", "like/logloss");
    assertThat(e.metrics().get("like/auc")).isCloseTo(13.0 / 18, within(1e-12));
    // q0: 2 > 1, 2 > -2, -1 < 1, -1 > -2 -> 3/4; q1: 1 > -1 -> 1; q2 has no like.
    assertThat(e.perQuery().get("like/auc")[0]).isEqualTo(0.75);
    assertThat(e.perQuery().get("like/auc")[1]).isEqualTo(1.0);
    assertThat(e.perQuery().get("like/auc")[2]).isNaN();
    assertThat(e.metrics().get("like/gauc")).isCloseTo((4 * 0.75 + 2 * 1.0) / 6, within(1e-12));
  }

  @Test
  void evaluate_minLabel_valuesBelowThresholdAreNegatives() {
    Evaluation e = runWith(new PointwiseEvaluatorConfig(List.of("auc"), null, "like", 2.0, null), Map.of());

    // no like reaches 2: one class only
    assertThat(e.metrics().get("like/auc")).isNaN();
  }

  @Test
  void evaluate_namedScorer_scoresThatScorerWithPrefix() {
    float[][] negated = new float[SCORES.length][];
    for (int q = 0; q < SCORES.length; q++) {
      negated[q] = new float[SCORES[q].length];
      for (int i = 0; i < SCORES[q].length; i++) {
        negated[q][i] = -SCORES[q][i];
      }
    }
    Evaluation e = runWith(new PointwiseEvaluatorConfig(null, null, null, null, "ranker"),
        Map.of("ranker", new MatrixScorer(negated)));
    Evaluation both = runWith(new PointwiseEvaluatorConfig(null, null, "like", null, "ranker"),
        Map.of("ranker", new MatrixScorer(negated)));

    // negated scores reverse every strict pair and keep the ties: AUC = 1 - 13/18.
    assertThat(e.metrics().get("ranker/auc")).isCloseTo(5.0 / 18, within(1e-12));
    assertThat(both.metrics().get("ranker/like/auc")).isCloseTo(5.0 / 18, within(1e-12));
    assertThat(e.perQuery()).containsKeys("ranker/auc", "ranker/logloss");
  }

  @Test
  void evaluate_unknownLabelOrScorer_throwsUserExceptionNamingPath() {
    PointwiseEvaluator evaluator = new PointwiseEvaluator(new PointwiseEvaluatorConfig(null, null, "share", null, null),
        "$.evaluators[1]");
    Split split = Fixtures.split(4, 4, LIKES, LIKES, Map.of(), true);

    assertThatThrownBy(() -> runWith(evaluator.config(), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[1].label")
        .hasMessageContaining("[like, positive]");
    assertThat(evaluator.incompatibility(split)).contains("'share'");
    assertThatThrownBy(() -> runWith(new PointwiseEvaluatorConfig(null, null, null, null, "ranker"), Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[1].scorer");
  }

  @Test
  void config_unknownMetricOrBadBlock_throwWithValue() {
    assertThatThrownBy(() -> new PointwiseEvaluatorConfig(List.of("acu"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'acu'");
    assertThatThrownBy(() -> new PointwiseEvaluatorConfig(null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }
}
