package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.testkit.Logs;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.train.TrainResult;
import org.towerlab.trainers.Harness.RecordingTracker;
import org.towerlab.trainers.Harness.Session;

class PlainTrainerTest {
  @TempDir Path tmp;

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  /** Trains a fresh session of the simulator config and returns its final valid + test metrics. */
  private Map<String, Double> trainedMetrics(String name, String... overrides) {
    try (Session s = new Session(Harness.simulator(tmp.resolve(name + "-cfg"), overrides))) {
      s.train(tmp.resolve(name), false, new RecordingTracker());
      return s.evaluate();
    }
  }

  @Test
  void train_sameSeedTwice_bitIdenticalMetrics() {
    String[] mixed = {"sampler={type: mixed, num-negatives: 32}", "loss={type: sampled-softmax}"};
    Map<String, Double> a = trainedMetrics("a", mixed);
    Map<String, Double> b = trainedMetrics("b", mixed);

    assertThat(a).containsKey("test/recall@20");
    assertThat(a.get("test/recall@20")).isPositive();
    // bit-identical: Map.equals compares Double.equals, that is the raw bits
    assertThat(b).isEqualTo(a);
    for (String k : a.keySet()) {
      assertThat(Double.doubleToRawLongBits(b.get(k))).as(k).isEqualTo(Double.doubleToRawLongBits(a.get(k)));
    }
  }

  @Test
  void train_differentSeed_differentMetrics() {
    String[] mixed = {"sampler={type: mixed, num-negatives: 32}"};
    Map<String, Double> a = trainedMetrics("a", mixed);
    String[] other = {"sampler={type: mixed, num-negatives: 32}", "seed=8"};
    Map<String, Double> c = trainedMetrics("c", other);

    assertThat(c).isNotEqualTo(a);
  }

  /**
   * Resume is tested on {@link PlainTrainer} with one run directory: the runner names a run
   * directory after the hash of the effective config, so a run restarted with another
   * {@code trainer.epochs} gets another directory; resuming an interrupted run uses the same config
   * and so the same directory. Here the "interruption" is a run with 2 epochs whose checkpoint a
   * 4-epoch run then resumes.
   */
  @Test
  void train_stoppedAfterTwoEpochsThenResumed_sameMetricsAndWeightsAsUninterrupted() {
    Path full = tmp.resolve("full");
    Path split = tmp.resolve("split");
    Map<String, Double> fullMetrics;
    Map<String, float[]> fullWeights;
    TrainResult fullResult;
    try (Session s = new Session(Harness.simulator(tmp.resolve("c1"), "trainer.epochs=4"))) {
      fullResult = s.train(full, false, new RecordingTracker());
      fullMetrics = s.evaluate();
      fullWeights = s.weights();
    }
    try (Session s = new Session(Harness.simulator(tmp.resolve("c2"), "trainer.epochs=2"))) {
      s.train(split, false, new RecordingTracker());
    }
    assertThat(split.resolve("checkpoints/last.ckpt")).exists();
    RecordingTracker resumedTracker = new RecordingTracker();
    TrainResult resumed;
    try (Session s = new Session(Harness.simulator(tmp.resolve("c3"), "trainer.epochs=4"))) {
      resumed = s.train(split, true, resumedTracker);
      assertThat(s.evaluate()).isEqualTo(fullMetrics);
      assertThat(Harness.sameWeights(s.weights(), fullWeights)).isTrue();
    }
    assertThat(resumedTracker.steps).containsExactly(3L, 4L);
    assertThat(resumed.epochsRun()).isEqualTo(4);
    assertThat(resumed.bestEpoch()).isEqualTo(fullResult.bestEpoch());
    assertThat(resumed.bestValidation()).isEqualTo(fullResult.bestValidation());
    assertThat(resumed.stats().get("train/steps")).isEqualTo(fullResult.stats().get("train/steps"));
  }

  @Test
  void train_freshRunWithoutResume_ignoresExistingCheckpoint() {
    Path dir = tmp.resolve("run");
    Map<String, float[]> first;
    try (Session s = new Session(Harness.simulator(tmp.resolve("c1"), "trainer.epochs=2"))) {
      s.train(dir, false, new RecordingTracker());
      first = s.weights();
    }
    RecordingTracker tracker = new RecordingTracker();
    try (Session s = new Session(Harness.simulator(tmp.resolve("c2"), "trainer.epochs=2"))) {
      s.train(dir, false, tracker);
      assertThat(Harness.sameWeights(s.weights(), first)).isTrue();
    }
    assertThat(tracker.steps).containsExactly(1L, 2L);
  }

  @Test
  void train_withPatience_restoresBestEpochWeights() {
    // a high learning rate makes validation recall peak early and then wobble, so patience triggers
    RecordingTracker tracker = new RecordingTracker();
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=12", "trainer.patience=2",
        "trainer.learning-rate=0.05", "trainer.monitor=recall@20"))) {
      TrainResult r = s.train(tmp.resolve("run"), false, tracker);
      Map<String, Double> after = s.evaluate();

      List<Double> curve = new ArrayList<>();
      tracker.logged.forEach(m -> curve.add(m.get("valid/recall@20")));
      double best = curve.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      int bestEpoch = curve.indexOf(best) + 1;
      assertThat(r.epochsRun()).isEqualTo(curve.size());
      assertThat(r.bestEpoch()).isEqualTo(bestEpoch);
      assertThat(r.bestValidation()).isEqualTo(best);
      assertThat(after.get("valid/recall@20")).isEqualTo(best);
      if (r.epochsRun() < 12) {
        // stopped early: exactly `patience` epochs without improvement after the best
        assertThat(r.epochsRun() - r.bestEpoch()).isEqualTo(2);
      }
      // the last epoch is not the best, otherwise restoring would not be tested
      assertThat(curve.get(curve.size() - 1)).isLessThan(best);
    }
  }

  @Test
  void train_monitorNotReported_userExceptionNamingKnownMetrics() {
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=1", "trainer.monitor=auc"))) {
      assertThatThrownBy(() -> s.train(tmp.resolve("run"), false, new RecordingTracker()))
          .isInstanceOf(UserException.class)
          .hasMessageContaining("valid/auc")
          .hasMessageContaining("valid/recall@20")
          .hasMessageContaining("trainer.monitor");
    }
  }

  @Test
  void train_ipwWithoutPropensities_userException() {
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=1", "trainer.ipw=true"),
        Splits.idsOnly(4, 6, Logs.pairs(new int[] {0, 1, 2, 3}, new int[] {1, 0, 5, 2})))) {
      assertThatThrownBy(() -> s.train(tmp.resolve("run"), false, new RecordingTracker()))
          .isInstanceOf(UserException.class)
          .hasMessageContaining("trainer.ipw")
          .hasMessageContaining("propensit")
          .hasMessageContaining("'hand'");
    }
  }

  @Test
  void train_ipwWithPropensities_trainsFiniteLoss() {
    RecordingTracker tracker = new RecordingTracker();
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=1", "trainer.ipw=true"))) {
      assertThat(s.split.train().propensities()).isNotNull();
      s.train(tmp.resolve("run"), false, tracker);
    }
    assertThat(tracker.logged.get(0).get("train/loss")).isFinite().isPositive();
  }

  /** Records the live arrays of the run's manager tree at each epoch's metrics call. */
  private static final class CountingTracker extends RecordingTracker {
    final ai.djl.ndarray.NDManager manager;
    final List<Integer> counts = new ArrayList<>();

    CountingTracker(ai.djl.ndarray.NDManager manager) {
      this.manager = manager;
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
      super.logMetrics(metrics, step);
      counts.add(Harness.liveArrays(manager));
    }
  }

  @Test
  void train_sixEpochs_liveArraysDoNotGrowAcrossEpochs() {
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=6", "trainer.batch-size=512",
        "sampler={type: mixed, num-negatives: 16}"))) {
      int before = Harness.liveArrays(s.manager);
      CountingTracker tracker = new CountingTracker(s.manager);
      s.train(tmp.resolve("run"), false, tracker);

      assertThat(tracker.counts).hasSize(6);
      assertThat(tracker.counts.get(5)).isEqualTo(tracker.counts.get(1));
      // after training only the parameters are left (optimizer state and caches are closed)
      assertThat(Harness.liveArrays(s.manager)).isEqualTo(before);
    }
  }

  @Test
  void train_everySamplerWithEveryLoss_finiteLoss() {
    List<String> samplers = List.of("{type: in-batch}", "{type: uniform, num-negatives: 16, shared: true}",
        "{type: uniform, num-negatives: 4, shared: false}", "{type: popularity, num-negatives: 16}",
        "{type: popularity, num-negatives: 4, shared: false}", "{type: mixed, num-negatives: 16}");
    List<String> losses = List.of("{type: sampled-softmax}", "{type: bce}", "{type: bpr}");
    List<String> failures = new ArrayList<>();
    for (String sampler : samplers) {
      for (String loss : losses) {
        RecordingTracker tracker = new RecordingTracker();
        try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=1", "sampler=" + sampler,
            "loss=" + loss, "trainer.batch-size=512"))) {
          TrainResult r = s.train(new PlainTrainer(s.trainer().config(), QUIET), tmp.resolve("run"), false, tracker);
          double loss1 = tracker.logged.get(0).get("train/loss");
          if (!Double.isFinite(loss1) || loss1 <= 0 || r.stats().get("train/steps") < 3) {
            failures.add(sampler + " x " + loss + ": loss " + loss1 + ", steps " + r.stats().get("train/steps"));
          }
        } catch (RuntimeException e) {
          failures.add(sampler + " x " + loss + ": " + e);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void train_ctrProtocolWithBce_reportsAucAndLogloss() {
    RecordingTracker tracker = new RecordingTracker();
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=3",
        "data.protocol={type: ctr, label: click}", "loss={type: bce, label: positive}",
        "evaluators=[{type: pointwise}]"))) {
      assertThat(s.split.hasLoggedNegatives()).isTrue();
      TrainResult r = s.train(tmp.resolve("run"), false, tracker);
      Map<String, Double> m = s.evaluate();

      assertThat(m).containsKeys("test/auc", "test/logloss", "valid/auc");
      assertThat(m.get("test/auc")).isBetween(0.5, 1.0);
      assertThat(m.get("test/logloss")).isFinite().isPositive();
      assertThat(r.bestValidation()).isEqualTo(m.get("valid/auc"));
      assertThat(tracker.logged.get(2).get("train/loss")).isLessThan(tracker.logged.get(0).get("train/loss"));
    }
  }

  @Test
  void train_checkpointFilesWritten() throws Exception {
    Path dir = tmp.resolve("run");
    try (Session s = new Session(Harness.simulator(tmp.resolve("c"), "trainer.epochs=1"))) {
      s.train(dir, false, new RecordingTracker());
      Checkpoint last = Checkpoint.read(dir.resolve("checkpoints/last.ckpt"));
      assertThat(last.state).contains("\"epoch\":1");
      assertThat(last.withPrefix("param:")).hasSize(s.params.all().size());
      assertThat(last.withPrefix("adam:")).hasSize(2 * s.params.all().size());
      assertThat(Files.exists(dir.resolve("checkpoints/best.ckpt"))).isTrue();
    }
  }
}
