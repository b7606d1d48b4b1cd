package org.towerlab.modules.rankflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;
import org.towerlab.trainers.ListSource;
import org.towerlab.trainers.TrainStep;

/** RankFlow's schedule on the cascade strategy: the teacher's isolation and the degenerate schedules. */
class RankflowTrainingTest {
  private static final Registry REGISTRY = Registry.discover();
  @TempDir Path tmp;

  /** Five candidates per list: the unit's query against items u .. u+4. */
  private static final class FixedLists implements ListSource {
    @Override
    public int size() {
      return 8;
    }

    @Override
    public int length() {
      return 5;
    }

    @Override
    public List<CandidateList> lists(int[] units, int epoch, long step, SplittableRandom rng) {
      List<CandidateList> out = new ArrayList<>();
      for (int u : units) {
        out.add(new CandidateList(u, Long.MAX_VALUE, new long[] {u, u + 1, u + 2, u + 3, u + 4},
            new float[] {1, 0, 0, 0, 0}, 1f));
      }
      return out;
    }
  }

  @Test
  void tutorStep_teacherScoresTheListsButGetsExactlyZeroGradient() {
    Split split = Splits.grouped(40, 30, 4, 320, 3, true);
    try (NDManager manager = NDManager.newBaseManager()) {
      KitModel student = new KitModel(KitTower.idOnly(8, 0.3), KitTower.idOnly(8, 0.3), new KitDotInteraction(1.0));
      KitModel teacher = new KitModel(KitTower.idOnly(8, 0.3), KitTower.idOnly(8, 0.3), new KitDotInteraction(1.0));
      TestParams studentParams = new TestParams(manager, 1);
      TestParams teacherParams = new TestParams(manager, 2);
      student.initialize(studentParams.model(split));
      teacher.initialize(teacherParams.model(split));
      TrainStep step = TrainStep.builder(student, split)
          .setLoss(new RankflowTutorLoss(new RankflowTutorLossConfig(0.5, 2, false)))
          .optRows(TrainingRows.LISTS).optLists(new FixedLists()).optTeacher(teacher).build();

      TrainStep.Result r = step.run(new int[] {0, 1, 2, 3}, 0, 0, new SplittableRandom(1), new SplittableRandom(2),
          manager);

      assertThat(r.loss()).isFinite().isPositive();
      for (Map.Entry<String, NDArray> e : teacherParams.all().entrySet()) {
        assertThatArray(e.getValue().getGradient()).as("teacher " + e.getKey()).isAllZero();
      }
      assertThatArray(studentParams.all().values().iterator().next().getGradient()).as("student").isNotAllZero();
    }
  }

  /** A small three-stage cascade on the simulated cascade; {@code TRAINER} is replaced by each test. */
  private static final String CONFIG = """
      name: rf
      seed: 7
      data:
        type: simulator
        n-users: 300
        n-items: 200
        n-categories: 8
        seed: 11
        cascade: {requests-per-user: 3, retrieved: 40, pre-ranked: 10}
        protocol: {type: per-user-ratio, unit: request}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
        item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      sampler: {type: in-batch}
      loss: {type: sampled-softmax}
      trainer:
        TRAINER
        stages:
          - name: retriever
            model:
              type: two-tower
              query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              interaction: {type: cosine, temperature: 0.1}
            loss: {type: sampled-softmax, logq-correction: true}
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
            keep: 20
          - name: pre-ranker
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
            keep: 5
          - name: ranker
            model:
              type: two-tower
              query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              interaction: {type: dnn, hidden: [16]}
            loss: {type: bce}
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01, monitor: auc}
      evaluators:
        - {type: topk, ks: [10], metrics: [recall, ndcg]}
        - {type: pointwise}
      tracking: {type: local, fsync: false}
      """;

  private RunOutcome run(String name, String trainer) {
    return run(name, trainer, CONFIG);
  }

  private RunOutcome run(String name, String trainer, String config) {
    try {
      Path dir = tmp.resolve(name);
      Files.createDirectories(dir);
      Path file = dir.resolve("config.yaml");
      Files.writeString(file, config.replace("TRAINER", trainer));
      List<LoadedRun> runs = new ConfigLoader(REGISTRY).loadRuns(file, List.of(), Map.of());
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      try (PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8)) {
        return new ExperimentRunner(REGISTRY, ps).runAll(runs, dir.resolve("runs"), false).get(0);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The quality metrics of a run (timings differ from run to run). */
  private static Map<String, Double> quality(RunOutcome r, String prefix) {
    Map<String, Double> out = new java.util.TreeMap<>();
    r.metrics().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  @Test
  void rankflow_degenerateSchedules_equalIndependentTrainingWhereTheyShould() throws IOException {
    RunOutcome independent = run("cascade", "type: cascade");
    RunOutcome warmUpOnly = run("rounds-0", "type: rankflow\n  rounds: 0");
    RunOutcome selfOnly = run("self-only", "type: rankflow\n  rounds: 1\n  tutor: false\n  final-self: false\n"
        + "  joint: [pre-ranker]");

    // no rounds: the warm-up is the cascade strategy's default schedule, to the last digit
    assertThat(quality(warmUpOnly, "test/")).isNotEmpty().isEqualTo(quality(independent, "test/"));
    // one self-learning round of the pre-ranker: the retriever and the ranker are untouched
    for (String stage : List.of("test/retriever/", "test/ranker/")) {
      assertThat(quality(selfOnly, stage)).as(stage).isNotEmpty().isEqualTo(quality(independent, stage));
    }
    assertThat(quality(selfOnly, "test/pre-ranker/")).isNotEqualTo(quality(independent, "test/pre-ranker/"));
    assertThat(selfOnly.dir().resolve("checkpoints").resolve("3-pre-ranker").resolve("done.ckpt")).exists();
  }

  @Test
  void cascade_listWiseTopLevelLossOnUpstreamLists_passesPreflightAndTrains() throws IOException {
    // the top-level (pre-ranker) loss is list-wise, and only the stage's train: has a list source
    String config = CONFIG.replace("loss: {type: sampled-softmax}\n", "loss: {type: rankflow-self}\n")
        .replace("train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}\n      keep: 5",
            "train: {type: plain, epochs: 1, batch-size: 32, learning-rate: 0.01, rows: lists,\n"
                + "              lists: {source: upstream, unit: request}}\n      keep: 5");
    assertThat(config).contains("loss: {type: rankflow-self}").contains("rows: lists");

    RunOutcome r = run("lists", "type: cascade", config);

    assertThat(r.metrics()).containsKeys("test/pre-ranker/recall@10", "test/recall@10");
    assertThat(r.dir().resolve("checkpoints").resolve("1-pre-ranker").resolve("done.ckpt")).exists();
  }

  @Test
  void rankflow_oneRound_tutorPhaseLogsItsTwoTerms() throws IOException {
    RunOutcome r = run("rankflow", "type: rankflow\n  rounds: 1\n  top-k: 3\n  batch-size: 32");

    assertThat(r.metrics()).containsKeys("test/pre-ranker/recall@10", "test/ranker/auc", "test/recall@10");
    String history = Files.readString(r.dir().resolve("stages").resolve("pre-ranker").resolve("metrics-history.jsonl"));
    assertThat(history).contains("train/rankflow-rank").contains("train/rankflow-mse");
    // warm-up 3 phases; round: pre-ranker self, ranker self, pre-ranker tutor; final: pre-ranker, ranker self
    assertThat(r.dir().resolve("checkpoints").resolve("5-pre-ranker").resolve("done.ckpt")).exists();
    assertThat(r.dir().resolve("checkpoints").resolve("7-ranker").resolve("done.ckpt")).exists();
  }
}
