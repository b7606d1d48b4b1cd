package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.nn.Params;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.train.TrainContext;
import org.towerlab.trainers.Harness.RecordingTracker;
import org.towerlab.trainers.Harness.Session;

/** The public training step: which rows it trains on, lists, teachers, diagnostics. */
class TrainStepTest {
  @TempDir Path tmp;

  /** A loss that records what it was given and returns a differentiable function of the scores. */
  static final class Recorder implements Loss {
    final List<LossInput> seen = new ArrayList<>();
    final List<float[]> positives = new ArrayList<>();
    final List<float[]> teacher = new ArrayList<>();
    final List<float[]> listLabels = new ArrayList<>();
    final List<long[]> shapes = new ArrayList<>();
    final List<TrainingRows> accepted;
    final boolean needsTeacher;

    Recorder(List<TrainingRows> accepted, boolean needsTeacher) {
      this.accepted = accepted;
      this.needsTeacher = needsTeacher;
    }

    @Override
    public NDArray compute(LossInput in, Forward fwd) {
      seen.add(in);
      positives.add(in.label("positive").toFloatArray());
      if (in.teacher() != null) {
        teacher.add(in.teacher().toFloatArray());
      }
      if (in.listLabels() != null) {
        listLabels.add(in.listLabels().toFloatArray());
        shapes.add(in.listScores().getShape().getShape());
        shapes.add(in.listMask().getShape().getShape());
      }
      if (in.negatives() != null) {
        shapes.add(in.negatives().getShape().getShape());
      }
      fwd.logMetric("probe", 2.0);
      NDArray s = in.hasLists() ? in.listScores() : in.scores();
      return s.square().mean();
    }

    @Override
    public boolean needsNegatives() {
      return accepted.get(0) == TrainingRows.POSITIVES;
    }

    @Override
    public boolean needsTeacher() {
      return needsTeacher;
    }

    @Override
    public List<TrainingRows> rows() {
      return accepted;
    }
  }

  private static TrainStep step(Session s, Loss loss, String rows, Model teacher, TowerScorer scorer) {
    TrainingSamplerContext ctx = new TrainingSamplerContext(s.split, scorer, s.manager);
    TrainStep.Builder b = TrainStep.builder(s.model, s.split).setLoss(loss)
        .optRows(RowModes.resolve(loss, s.split, rows, "trainer.rows")).optSampler(s.sampler, ctx)
        .optTeacher(teacher);
    if ("lists".equals(rows)) {
      b.optLists(ListSources.create(new ListsConfig("sampled", 6, null, null), s.split, s.sampler, ctx, null, 0,
          "trainer.lists"));
    }
    return b.build();
  }

  private static int[] first(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  @Test
  void run_ctrProtocolWithSoftmaxLoss_trainsOnPositiveRowsOnly() {
    try (Session s = new Session(Harness.simulator(tmp, "data.protocol={type: ctr, label: click}",
        "evaluators=[{type: pointwise}]"));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      Recorder loss = new Recorder(List.of(TrainingRows.POSITIVES), false);
      TrainStep step = step(s, loss, "auto", null, scorer);

      assertThat(step.rows()).isEqualTo(TrainingRows.POSITIVES);
      assertThat(step.log().label("click")).as("every row the step iterates is a click").containsOnly(1f);
      assertThat(step.size()).isLessThan(s.split.logged("train").size());
      int n = step.size();
      for (int from = 0; from + 128 <= n; from += 128 * 7) {
        int[] rows = new int[128];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = from + i;
        }
        step.run(rows, 0, from, new SplittableRandom(from), new SplittableRandom(1), s.manager);
      }
      assertThat(loss.positives).isNotEmpty().allSatisfy(p -> assertThat(p).containsOnly(1f));
      assertThat(loss.shapes.get(0)[1]).as("sampled negatives").isPositive();
    }
  }

  @Test
  void resolve_softmaxOnLoggedRows_refusedWithReason() {
    try (Session s = new Session(Harness.simulator(tmp, "data.protocol={type: ctr, label: click}",
        "evaluators=[{type: pointwise}]"))) {
      assertThatThrownBy(() -> RowModes.resolve(s.loss, s.split, "logged", "trainer.rows"))
          .isInstanceOf(UserException.class).hasMessageContaining("trainer.rows")
          .hasMessageContaining("the 0-labelled ones too, as a positive");
    }
  }

  @Test
  void resolve_loggedRowsOnSplitWithoutThem_refused() {
    try (Session s = new Session(Harness.simulator(tmp, "data.protocol={type: per-user-ratio}"))) {
      Loss bce = Harness.REGISTRY.build(Kind.LOSS, Harness.REGISTRY.mapper().convertValue(Map.of("type", "bce"),
          org.towerlab.api.config.ComponentConfig.Loss.class), "$.loss", s.seeds, Loss.class);
      // the simulator logs exposures, so per-user-ratio keeps logged rows and bce trains on them
      assertThat(RowModes.resolve(bce, s.split, null, "trainer.rows")).isEqualTo(TrainingRows.LOGGED);
      org.towerlab.api.data.Split positivesOnly = new org.towerlab.api.data.Split(s.split.protocol(), Map.of(),
          s.split.dataset(), s.split.train(), s.split.valid(), s.split.test(), "positive");
      assertThat(RowModes.resolve(bce, positivesOnly, null, "trainer.rows")).isEqualTo(TrainingRows.POSITIVES);
      assertThatThrownBy(() -> RowModes.resolve(bce, positivesOnly, "logged", "trainer.rows"))
          .isInstanceOf(UserException.class).hasMessageContaining("logged rows with shown negatives");
    }
  }

  @Test
  void run_ctrProtocolWithBce_iteratesLoggedRowsOfBothClasses() {
    try (Session s = new Session(Harness.simulator(tmp, "data.protocol={type: ctr, label: click}",
        "loss={type: bce}", "evaluators=[{type: pointwise}]"));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      Recorder loss = new Recorder(List.of(TrainingRows.LOGGED, TrainingRows.POSITIVES), false);
      TrainStep step = step(s, loss, "auto", null, scorer);

      assertThat(step.rows()).isEqualTo(TrainingRows.LOGGED);
      assertThat(step.size()).isEqualTo(s.split.logged("train").size());
      step.run(first(256), 0, 0, new SplittableRandom(1), new SplittableRandom(1), s.manager);
      assertThat(loss.positives.get(0)).contains(0f, 1f);
      assertThat(loss.shapes).as("logged rows are not given sampled negatives").isEmpty();
    }
  }

  /** Every candidate source at once: masks, logQ and ids per column, built block by block. */
  @Test
  void run_inBatchSharedAndPerQueryNegatives_maskLogQAndIdsPerColumn() {
    try (Session s = new Session(Harness.simulator(tmp));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      int b = 4;
      long[] pos = new long[b];
      for (int i = 0; i < b; i++) {
        pos[i] = s.split.train().items()[i];
      }
      float[] inLogQ = {-1f, -2f, -3f, -4f};
      long[] shared = {pos[1], 7};
      float[] sharedLogQ = {-5f, -6f};
      long[][] perQuery = new long[b][];
      float[][] perQueryLogQ = new float[b][];
      boolean[][] perQueryMask = new boolean[b][];
      for (int i = 0; i < b; i++) {
        perQuery[i] = new long[] {pos[i], 10 + i};
        perQueryLogQ[i] = new float[] {-7f - i, -8f - i};
        perQueryMask[i] = new boolean[] {true, i != 2};
      }
      Negatives negs = new Negatives(true, inLogQ, shared, sharedLogQ, perQuery, perQueryLogQ, perQueryMask);
      float[][] seen = new float[2][];
      long[][] ids = new long[1][];
      Loss probe = new Loss() {
        @Override
        public NDArray compute(LossInput in, Forward fwd) {
          seen[0] = in.negativeMask().toFloatArray();
          seen[1] = in.negativeLogQ().toFloatArray();
          ids[0] = in.ids().candidates().toArray();
          return in.scores().square().mean();
        }

        @Override
        public List<TrainingRows> rows() {
          return List.of(TrainingRows.POSITIVES);
        }
      };
      TrainingSamplerContext ctx = new TrainingSamplerContext(s.split, scorer, s.manager);
      TrainStep step = TrainStep.builder(s.model, s.split).setLoss(probe).optRows(TrainingRows.POSITIVES)
          .optSampler((request, c) -> negs, ctx).build();

      step.run(first(b), 0, 0, new SplittableRandom(1), new SplittableRandom(1), s.manager);

      int w = b + 2 + 2;
      float[] mask = new float[b * w];
      float[] logq = new float[b * w];
      long[] expectedIds = new long[b * w];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < b; j++) {
          mask[i * w + j] = pos[j] != pos[i] ? 1f : 0f;
          logq[i * w + j] = inLogQ[j];
          expectedIds[i * w + j] = pos[j];
        }
        for (int j = 0; j < 2; j++) {
          mask[i * w + b + j] = shared[j] != pos[i] ? 1f : 0f;
          logq[i * w + b + j] = sharedLogQ[j];
          expectedIds[i * w + b + j] = shared[j];
          boolean valid = perQueryMask[i][j];
          mask[i * w + b + 2 + j] = valid && perQuery[i][j] != pos[i] ? 1f : 0f;
          logq[i * w + b + 2 + j] = perQueryLogQ[i][j];
          expectedIds[i * w + b + 2 + j] = valid ? perQuery[i][j] : -1;
        }
      }
      assertThat(seen[0]).containsExactly(mask);
      assertThat(seen[1]).containsExactly(logq);
      assertThat(ids[0]).containsExactly(expectedIds);
      // the per-query slot equal to the row's own positive and the invalid slot are masked
      assertThat(seen[0][b + 2]).isZero();
      assertThat(seen[0][2 * w + b + 3]).isZero();
    }
  }

  @Test
  void run_teacher_fillsTeacherColumnsWithItsScoresAndGetsNoGradient() {
    try (Session s = new Session(Harness.simulator(tmp));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      Model teacher = Harness.REGISTRY.build(Kind.MODEL, s.run.config().model(), "$.teacher", s.seeds, Model.class);
      Params tp = new Params(s.manager, new SplittableRandom(99));
      teacher.initialize(new InitContext(tp.scope("model"), s.split, null));
      Recorder loss = new Recorder(List.of(TrainingRows.POSITIVES), true);
      TrainStep step = step(s, loss, "auto", teacher, scorer);
      int[] rows = first(16);

      step.run(rows, 0, 0, new SplittableRandom(1), new SplittableRandom(1), s.manager);

      long c = loss.shapes.get(0)[1];
      float[] t = loss.teacher.get(0);
      assertThat(t).hasSize((int) (16 * (1 + c)));
      try (TowerScorer ts = new TowerScorer(teacher, new FeatureBatches(s.split), 200, s.manager);
          NDManager m = NDManager.newBaseManager()) {
        long[] q = new long[16];
        long[] it = new long[16];
        for (int i = 0; i < 16; i++) {
          q[i] = s.split.train().queries()[i];
          it[i] = s.split.train().items()[i];
        }
        // the simulator has no sequence fields, so the pair score does not depend on the example time
        float[] direct = ts.scorePairs(q, it, m);
        for (int i = 0; i < 16; i++) {
          assertThat(t[(int) (i * (1 + c))]).isCloseTo(direct[i], within(1e-4f * Math.max(1f, Math.abs(direct[i]))));
        }
      }
      for (NDArray p : tp.all().values()) {
        NDArray g = p.getGradient();
        assertThat(g.abs().sum().getFloat()).as("teacher gradient of %s", p.getName()).isZero();
      }
    }
  }

  @Test
  void run_sampledLists_fillListFieldsWithThePositiveFirst() {
    try (Session s = new Session(Harness.simulator(tmp, "sampler={type: uniform, num-negatives: 8}"));
        TowerScorer scorer = new TowerScorer(s.model, new FeatureBatches(s.split), 200, s.manager)) {
      Recorder loss = new Recorder(List.of(TrainingRows.LISTS), false);
      TrainStep step = step(s, loss, "lists", null, scorer);

      step.run(first(32), 0, 0, new SplittableRandom(1), new SplittableRandom(1), s.manager);

      LossInput in = loss.seen.get(0);
      assertThat(loss.shapes.get(0)).containsExactly(32, 6);
      assertThat(loss.shapes.get(1)).containsExactly(32, 6);
      float[] labels = loss.listLabels.get(0);
      for (int i = 0; i < 32; i++) {
        assertThat(labels[i * 6]).as("slot 0 of list %d is its positive", i).isEqualTo(1f);
      }
      assertThat(in.ids().listItems()).hasSize(32 * 6);
    }
  }

  @Test
  void plainTrainer_logMetric_isLoggedAsEpochMean() {
    RecordingTracker tracker = new RecordingTracker();
    try (Session s = new Session(Harness.simulator(tmp, "trainer.epochs=1"))) {
      Recorder loss = new Recorder(List.of(TrainingRows.POSITIVES), false);
      PlainTrainer trainer = s.trainer();
      trainer.train(new TrainContext(s.model, s.sampler, loss, s.split, s.evaluators, s.seeds, tracker,
          tmp.resolve("run"), false, s.params, s.manager));
    }
    assertThat(tracker.logged.get(0)).containsEntry("train/probe", 2.0);
  }
}
