package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.testkit.Logs;
import org.towerlab.api.testkit.TinyData;

class SemanticEvaluatorTest {
  private static final float NAN = Float.NaN;
  // categories 0 0 1 0 2 2 (the default rule: same category, threshold 0.5)
  private static final float[][] SCORES = {
      {9, 0.1f, 0.8f, 0.5f, 0.5f, 0.2f}, // q0: 2, then 3 and 4 tie (3 first), 5, 1; the seed 0 never
      {0, 0, 0, 0, 0, 0},
      {0, 0, 0, 0, 0, 0},
      {0.3f, NAN, 0.3f, 5, 0.1f, 0.2f}, // q3: 0 and 2 tie (0 first), 5, 4, then NaN item 1
      {0, 0, 0, 0, 0, 0},
      {0, 0, 0, 0, 0, 0}};

  /** Scores {@code SCORES[query][item]}. */
  private record Matrix(float[][] s) implements Scorer {
    @Override
    public int numItems() {
      return s[0].length;
    }

    @Override
    public NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
      int w = itemTo - itemFrom;
      float[] flat = new float[queries.length * w];
      for (int r = 0; r < queries.length; r++) {
        System.arraycopy(s[(int) queries[r]], itemFrom, flat, r * w, w);
      }
      return manager.create(flat, new Shape(queries.length, w));
    }

    @Override
    public float[] scorePairs(long[] queries, long[] items, NDManager manager) {
      throw new UnsupportedOperationException();
    }
  }

  private static Evaluation run(SemanticEvaluatorConfig config, InteractionLog seen) {
    Dataset d = new CoEngagement(RelatedFixtures.config(2, true, "drop", null, null),
        RelatedFixtures.source(RelatedFixtures.users()), "$.data").load();
    // targets: q0 -> 1, q3 -> 1 and 2; q4 has only a non-positive row (not evaluated)
    InteractionLog test = Logs.rows(new int[][] {{0, 1}, {3, 1}, {3, 2}, {4, 5}}, new float[] {1, 1, 1, 0});
    InteractionLog empty = Logs.rows(new int[0][], null);
    Split split = new Split("related-temporal", Map.of("exclude-seen", false), d, empty, empty, test, null, "positive");
    try (NDManager m = NDManager.newBaseManager()) {
      return new SemanticEvaluator(config, "$.evaluators[1]")
          .evaluate(new EvalContext(split, "test", test, seen, new Matrix(SCORES), m));
    }
  }

  @Test
  void evaluate_handExample_relevantShareAndMeanRelevanceOfTheTopK() {
    Evaluation e = run(new SemanticEvaluatorConfig(List.of(1, 2, 3), null, null, null, null), null);

    assertThat(e.queries()).containsExactly(0L, 3L);
    // q0 top: 2 3 4 (cat 1 0 2): relevant 0, 1/2, 1/3; q3 top: 0 2 5 (cat 0 1 2): 1, 1/2, 1/3
    assertThat(e.perQuery().get("semantic/relevant@1")).containsExactly(new double[] {0, 1}, within(1e-12));
    assertThat(e.perQuery().get("semantic/relevant@2")).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    assertThat(e.perQuery().get("semantic/relevant@3")).containsExactly(new double[] {1.0 / 3, 1.0 / 3},
        within(1e-12));
    assertThat(e.perQuery().get("semantic/relevance@2")).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    // candidates without the seed: q0 {1..5} has 1 and 3 in its category; q3 {0,1,2,4,5} has 0 and 1
    assertThat(e.perQuery().get("semantic/corpus-relevant")).containsExactly(new double[] {0.4, 0.4}, within(1e-12));
    // targets: q0 {1} relevant; q3 {1 relevant, 2 not}
    assertThat(e.perQuery().get("semantic/target-relevant")).containsExactly(new double[] {1, 0.5}, within(1e-12));
    assertThat(e.metrics().get("semantic/relevant@1")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void evaluate_excludeSeenAndTask_seenItemsRemovedAndKeysPrefixed() {
    InteractionLog seen = Logs.rows(new int[][] {{0, 2}}, null);
    Evaluation seenOut = run(new SemanticEvaluatorConfig(List.of(1), null, null, true, null), seen);
    // q0 without item 2: 3 first (category 0)
    assertThat(seenOut.perQuery().get("semantic/relevant@1")[0]).isEqualTo(1.0);
    assertThat(seenOut.perQuery().get("semantic/corpus-relevant")[0]).isCloseTo(0.5, within(1e-12));
    Evaluation kept = run(new SemanticEvaluatorConfig(List.of(1), null, null, false, null), seen);
    assertThat(kept.perQuery().get("semantic/relevant@1")[0]).isZero();
  }

  @Test
  void evaluate_blockSizes_sameResult() {
    Evaluation one = run(new SemanticEvaluatorConfig(List.of(2, 3), null, 1, null, null), null);
    Evaluation all = run(new SemanticEvaluatorConfig(List.of(2, 3), null, 512, null, null), null);
    assertThat(one.metrics()).isEqualTo(all.metrics());
  }

  @Test
  void excluded_seenAndItemQueries_seenRowsThenOneSeedRowPerQuery() {
    InteractionLog seen = Logs.rows(new int[][] {{0, 2}, {1, 4}}, null);

    InteractionLog both = SemanticEvaluator.excluded(seen, 3);

    assertThat(both.queries()).containsExactly(0, 1, 0, 1, 2);
    assertThat(both.items()).containsExactly(2, 4, 0, 1, 2);
    assertThat(SemanticEvaluator.excluded(seen, 0)).isSameAs(seen);
    assertThat(SemanticEvaluator.excluded(null, 0)).isNull();
    assertThat(SemanticEvaluator.excluded(null, 2).items()).containsExactly(0, 1);
  }

  @Test
  void top_tiesToTheLowerIdAndNaNLast() {
    float[] s = {1, NAN, 3, 3, 0, 2};
    assertThat(SemanticEvaluator.top(s, 0, 6, new boolean[6], 6)).containsExactly(2, 3, 5, 0, 4, 1);
    boolean[] removed = {false, false, true, false, false, false};
    assertThat(SemanticEvaluator.top(s, 0, 6, removed, 2)).containsExactly(3, 5);
  }

  @Test
  void incompatibility_dataWithoutRule_refusedWithThePath() {
    SemanticEvaluator e = new SemanticEvaluator(SemanticEvaluatorConfig.defaults(), "$.evaluators[1]");
    assertThat(e.appliesTo(TinyData.split())).isFalse();
    assertThat(e.incompatibility(TinyData.split())).contains("$.evaluators[1]").contains("co-engagement");
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new SemanticEvaluatorConfig(List.of(10, 10), null, null, null, null))
        .hasMessageContaining("[10, 10]");
    assertThatThrownBy(() -> new SemanticEvaluatorConfig(null, 1.5, null, null, null)).hasMessageContaining("1.5");
  }
}
