package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoggedVersusTruthTest {

  private static List<Map<String, Double>> runs(String logged, double[] x, String truth, double[] y) {
    List<Map<String, Double>> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      Map<String, Double> m = new HashMap<>();
      m.put(logged, x[i]);
      m.put(truth, y[i]);
      out.add(m);
    }
    return out;
  }

  @Test
  void of_handExampleWithTie_kendallTauB() {
    // 5 runs. Pairs: (0,1) discordant, (3,4) tied in the logged metric only, the 8 others
    // concordant: tau-b = (8 - 1) / sqrt((10 - 1) * (10 - 0)) = 7 / sqrt(90) = 0.737865.
    List<Map<String, Double>> runs = runs("test/recall@20", new double[] {0.1, 0.2, 0.3, 0.4, 0.4},
        "test/truth/recall@20", new double[] {0.2, 0.1, 0.3, 0.5, 0.4});

    LoggedVersusTruth a = LoggedVersusTruth.of(runs, Set.of());

    assertThat(a.pairs()).hasSize(1);
    LoggedVersusTruth.Pair p = a.pairs().get(0);
    assertThat(p.logged()).isEqualTo("test/recall@20");
    assertThat(p.truth()).isEqualTo("test/truth/recall@20");
    assertThat(p.runs()).isEqualTo(5);
    assertThat(p.tau()).isCloseTo(7 / Math.sqrt(90), within(1e-12));
    assertThat(a.markdown()).contains("| recall@20 | truth/recall@20 | 5 | 0.7379 |");
  }

  @Test
  void of_reversedOrder_minusOne() {
    LoggedVersusTruth a = LoggedVersusTruth.of(runs("test/ndcg@10", new double[] {1, 2, 3},
        "test/truth/ndcg@10", new double[] {3, 2, 1}), Set.of());

    assertThat(a.pairs().get(0).tau()).isCloseTo(-1, within(1e-12));
  }

  @Test
  void of_labelsAndScorers_pairedWithTheTruthOfTheSameScorer() {
    List<Map<String, Double>> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Map<String, Double> m = new HashMap<>();
      for (String k : List.of("test/recall@20", "test/like/recall@20", "test/truth/recall@20", "test/ranker/recall@20",
          "test/ranker/truth/recall@20", "test/vs-truth/recall@20@20", "test/ranker/like/recall@20",
          "test/recall@200", "valid/recall@20", "valid/truth/recall@20")) {
        m.put(k, (double) (i * k.length() % 7));
      }
      runs.add(m);
    }

    List<String> pairs = LoggedVersusTruth.of(runs, Set.of("ranker")).pairs().stream()
        .map(p -> p.logged() + " ~ " + p.truth()).toList();

    assertThat(pairs).containsExactlyInAnyOrder(
        "test/recall@20 ~ test/truth/recall@20",
        "test/like/recall@20 ~ test/truth/recall@20",
        "test/ranker/recall@20 ~ test/ranker/truth/recall@20",
        "test/ranker/like/recall@20 ~ test/ranker/truth/recall@20");
  }

  @Test
  void of_fewerThanThreeRunsWithBothValues_noPair() {
    List<Map<String, Double>> runs = runs("test/recall@20", new double[] {0.1, 0.2, Double.NaN},
        "test/truth/recall@20", new double[] {0.2, 0.1, 0.3});

    LoggedVersusTruth a = LoggedVersusTruth.of(runs, Set.of());

    assertThat(a.applies()).isFalse();
    assertThat(LoggedVersusTruth.of(List.of(Map.of("test/recall@20", 0.1)), Set.of()).applies()).isFalse();
  }

  @Test
  void of_constantSide_tauNaNShownAsNotAvailable() {
    LoggedVersusTruth a = LoggedVersusTruth.of(runs("test/recall@20", new double[] {0.1, 0.1, 0.1},
        "test/truth/recall@20", new double[] {0.2, 0.1, 0.3}), Set.of());

    assertThat(a.pairs().get(0).tau()).isNaN();
    assertThat(a.markdown()).contains("n/a");
  }
}
