package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Split;
import org.towerlab.registry.config.LoadedRun;

class PreflightTest {
  @TempDir Path tmp;

  @Test
  void check_goodRun_trainingAfterwardsGivesBitIdenticalWeights() {
    LoadedRun run = Harness.simulator(tmp.resolve("a"), "trainer.epochs=1");
    Split split = Harness.split(run);
    Map<String, float[]> without;
    try (Harness.Session s = new Harness.Session(run, split)) {
      s.train(tmp.resolve("run-a"), false, new Harness.RecordingTracker());
      without = s.weights();
    }

    Preflight.check(Harness.REGISTRY, run, split);
    Map<String, float[]> with;
    try (Harness.Session s = new Harness.Session(run, split)) {
      s.train(tmp.resolve("run-b"), false, new Harness.RecordingTracker());
      with = s.weights();
    }

    assertThat(Harness.sameWeights(with, without)).isTrue();
  }

  @Test
  void check_towerWidthsTheInteractionCannotScore_userErrorWithShapesAndPath() {
    LoadedRun run = Harness.simulator(tmp.resolve("w"), "model.item-tower.output-dim=24",
        "model.interaction={type: dot}");

    assertThatThrownBy(() -> Preflight.check(Harness.REGISTRY, run, Harness.split(run)))
        .isInstanceOf(UserException.class).hasMessageContaining(run.source().toString())
        .hasMessageContaining("$.model.interaction").hasMessageContaining("(2, 16)").hasMessageContaining("(2, 24)")
        .hasMessageContaining("output widths differ (16 and 24)");
  }

  @Test
  void check_monitorNoEvaluatorReports_userErrorListingTheReportedOnes() {
    LoadedRun run = Harness.simulator(tmp.resolve("m"), "trainer.monitor=recall@50");

    assertThatThrownBy(() -> Preflight.check(Harness.REGISTRY, run, Harness.split(run)))
        .isInstanceOf(UserException.class).hasMessageContaining("$.trainer.monitor is 'recall@50'")
        .hasMessageContaining("ndcg@10, ndcg@20, recall@10, recall@20]");
  }

  @Test
  void check_twoEvaluatorsReportTheSameMetric_userErrorNamingBoth() {
    LoadedRun run = Harness.simulator(tmp.resolve("d"), "trainer.monitor=null",
        "evaluators=[{type: topk, ks: [10, 20]}, {type: topk, ks: [20, 50]}]");

    assertThatThrownBy(() -> Preflight.check(Harness.REGISTRY, run, Harness.split(run)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("$.evaluators[0] and $.evaluators[1] both report '").hasMessageContaining("@20'")
        .hasMessageContaining("overwrite");
  }

  @Test
  void parts_emptyValidationPart_userErrorNamingProtocolAndSizes() {
    LoadedRun run = Harness.simulator(tmp.resolve("p"));
    Split s = Harness.split(run);
    Split noValid = new Split(s.protocol(), s.settings(), s.dataset(), s.train(),
        s.valid().filter(new boolean[s.valid().size()]), s.test(), s.logged(), s.positiveLabel());

    assertThatThrownBy(() -> Preflight.parts(noValid, "x.yaml (run r)")).isInstanceOf(UserException.class)
        .hasMessageContaining("x.yaml (run r)").hasMessageContaining("$.data.protocol")
        .hasMessageContaining("valid part").hasMessageContaining("valid 0");
  }

  @Test
  void fewQueries_keepsTheRowsOfTwoValidationQueries() {
    Split s = Harness.split(Harness.simulator(tmp.resolve("f")));

    Split few = Preflight.fewQueries(s);

    assertThat(Arrays.stream(few.valid().queries()).distinct().count()).isEqualTo(Preflight.EVAL_QUERIES);
    assertThat(few.valid().size()).isPositive().isLessThan(s.valid().size());
    assertThat(few.train()).isSameAs(s.train());
    assertThat(Arrays.stream(few.test().queries()).allMatch(q -> Arrays.stream(few.valid().queries()).anyMatch(v -> v == q)))
        .isTrue();
  }
}
