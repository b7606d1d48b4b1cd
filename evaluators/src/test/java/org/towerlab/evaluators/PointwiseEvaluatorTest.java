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

  @Test
  void config_unknownMetricOrBadBlock_throwWithValue() {
    assertThatThrownBy(() -> new PointwiseEvaluatorConfig(List.of("acu"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'acu'");
    assertThatThrownBy(() -> new PointwiseEvaluatorConfig(null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }
}
