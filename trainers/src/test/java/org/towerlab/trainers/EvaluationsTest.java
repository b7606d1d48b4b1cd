package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;

class EvaluationsTest {

  @Test
  void concat_rowsInOrderAndOnlySharedLabels() {
    InteractionLog a = new InteractionLog(new int[] {0, 1}, new int[] {5, 6}, new long[] {10, 20},
        Map.of("positive", new float[] {1, 0}, "rating", new float[] {4, 2}), null, null, null);
    InteractionLog b = new InteractionLog(new int[] {2}, new int[] {7}, new long[] {30},
        Map.of("positive", new float[] {1}), null, null, null);

    InteractionLog c = Evaluations.concat(a, b);
    assertThat(c.queries()).containsExactly(0, 1, 2);
    assertThat(c.items()).containsExactly(5, 6, 7);
    assertThat(c.timestamps()).containsExactly(10, 20, 30);
    assertThat(c.labelNames()).containsExactly("positive");
    assertThat(c.label("positive")).containsExactly(1, 0, 1);
  }

  /** An evaluator that reports fixed per-query values and may name a scorer it needs. */
  private record Fixed(String key, long[] queries, double[] values, Set<String> needs) implements Evaluator {
    @Override
    public String name() {
      return key;
    }

    @Override
    public Evaluation evaluate(EvalContext ctx) {
      for (String n : needs) {
        ctx.scorer(n); // throws for an unknown name
      }
      return new Evaluation(Map.of(key, 0.5), Map.of(key, values), queries);
    }

    @Override
    public Set<String> scorerNames() {
      return needs;
    }
  }

  private static Split split() {
    InteractionLog empty = new InteractionLog(new int[0], new int[0], new long[0], Map.of(), null, null, null);
    Dataset d = new Dataset("d", QueryKind.USER, new Schema(List.of()), FeatureTable.builder(Side.QUERY, 1).build(),
        FeatureTable.builder(Side.ITEM, 1).build(), empty, null, null, null);
    return new Split("p", Map.of(), d, empty, empty, empty, null);
  }

  @Test
  void evaluate_differentQuerySets_perQueryOverUnionWithNaN() {
    List<Evaluator> evaluators = List.of(
        new Fixed("recall@20", new long[] {1, 3, 4}, new double[] {0.1, 0.3, 0.4}, Set.of()),
        new Fixed("like/recall@20", new long[] {0, 3}, new double[] {0.7, 0.8}, Set.of()));

    Evaluations.Result r;
    try (NDManager m = NDManager.newBaseManager()) {
      r = Evaluations.evaluate(evaluators, split(), "test", null, Map.of(), m);
    }

    assertThat(r.queries()).containsExactly(0, 1, 3, 4);
    assertThat(r.perQuery().get("recall@20")).containsExactly(Double.NaN, 0.1, 0.3, 0.4);
    assertThat(r.perQuery().get("like/recall@20")).containsExactly(0.7, Double.NaN, 0.8, Double.NaN);
    assertThat(r.metrics()).containsOnlyKeys("test/recall@20", "test/like/recall@20");
  }

  @Test
  void evaluate_noNamedScorersOffered_skipsEvaluatorsThatNeedThem() {
    List<Evaluator> evaluators = List.of(
        new Fixed("recall@20", new long[] {1}, new double[] {0.1}, Set.of()),
        new Fixed("ranker/recall@20", new long[] {1}, new double[] {0.2}, Set.of("ranker")));

    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(Evaluations.evaluate(evaluators, split(), "valid", null, m).metrics())
          .containsOnlyKeys("valid/recall@20");
      assertThat(Evaluations.evaluate(evaluators, split(), "valid", null,
          Map.of("ranker", new NoScorer()), m).metrics())
          .containsOnlyKeys("valid/recall@20", "valid/ranker/recall@20");
      assertThatThrownBy(() -> Evaluations.evaluate(evaluators, split(), "test", null, Map.of(), m))
          .isInstanceOf(UserException.class).hasMessageContaining("'ranker'");
    }
  }

  /** A named scorer that is never asked to score. */
  private static final class NoScorer implements Scorer {
    @Override
    public int numItems() {
      return 1;
    }

    @Override
    public NDArray scoreBlock(long[] queries, int itemFrom, int itemTo, NDManager manager) {
      throw new UnsupportedOperationException();
    }

    @Override
    public float[] scorePairs(long[] queries, long[] items, NDManager manager) {
      throw new UnsupportedOperationException();
    }
  }
}
