package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.nn.Tensors;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;

/** The cascade and distillation strategies, and the cascade's system scorer. */
class CascadeTest {
  @TempDir Path tmp;

  /** Scores {@code s[query][item]}. */
  record Matrix(float[][] s) implements Scorer {
    @Override
    public int numItems() {
      return s[0].length;
    }

    @Override
    public NDArray scoreBlock(long[] queries, int from, int to, NDManager manager) {
      float[] out = new float[queries.length * (to - from)];
      for (int i = 0; i < queries.length; i++) {
        for (int j = from; j < to; j++) {
          out[i * (to - from) + j - from] = s[(int) queries[i]][j];
        }
      }
      return Tensors.create(manager, out, new ai.djl.ndarray.types.Shape(queries.length, to - from));
    }

    @Override
    public float[] scorePairs(long[] queries, long[] items, NDManager manager) {
      float[] out = new float[queries.length];
      for (int i = 0; i < queries.length; i++) {
        out[i] = s[(int) queries[i]][(int) items[i]];
      }
      return out;
    }
  }

  private static int[] order(Scorer scorer, long query) {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] s = scorer.scoreBlock(new long[] {query}, 0, scorer.numItems(), m).toFloatArray();
      Integer[] idx = new Integer[s.length];
      for (int i = 0; i < s.length; i++) {
        idx[i] = i;
      }
      java.util.Arrays.sort(idx, (a, b) -> Float.compare(s[b], s[a]));
      return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
  }

  @Test
  void cascadeScorer_threeStages_ranksAsAServingCascade() {
    // 8 items; stage 1 prefers low ids, keeps 5; stage 2 prefers item 4 > 2 > 0 > 3 > 1, keeps 3;
    // stage 3 orders its three: 0 > 4 > 2
    Scorer s1 = new Matrix(new float[][] {{8, 7, 6, 5, 4, 3, 2, 1}});
    Scorer s2 = new Matrix(new float[][] {{3, 1, 4, 2, 5, 9, 9, 9}});
    Scorer s3 = new Matrix(new float[][] {{9, 0, 7, 0, 8, 9, 9, 9}});
    CascadeScorer c = new CascadeScorer(List.of(s1, s2, s3), new int[] {5, 3, 0});

    // system: stage 3's order, then what stage 2 dropped (3, 1 by stage 2), then what stage 1 dropped
    assertThat(order(c, 0)).containsExactly(0, 4, 2, 3, 1, 5, 6, 7);
  }

  @Test
  void cascadeScorer_excludingSeen_keepsSeenItemsOutOfTheFirstStage() {
    Scorer s1 = new Matrix(new float[][] {{8, 7, 6, 5, 4, 3, 2, 1}});
    Scorer s2 = new Matrix(new float[][] {{0, 0, 0, 0, 0, 0, 0, 0}});
    Scorer c = new CascadeScorer(List.of(s1, s2), new int[] {3, 0}).excluding(
        new InteractionLog(new int[] {0, 0}, new int[] {0, 1}, new long[2], Map.of(), null, null, null));

    // 0 and 1 seen: the first stage passes 2, 3, 4 (ties in stage 2 by lower id)
    assertThat(order(c, 0)).startsWith(2, 3, 4);
  }

  private static final String CASCADE = Harness.SIMULATOR.replace(
      "trainer: {type: plain, epochs: 3, batch-size: 128, learning-rate: 0.01, patience: 0}", """
      trainer:
        type: cascade
        stages:
          - name: retriever
            model:
              type: two-tower
              query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              interaction: {type: cosine, temperature: 0.1}
            loss: {type: sampled-softmax, logq-correction: true}
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
            keep: 40
          - name: pre-ranker
            keep: 10
            teacher: ranker
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
          - name: ranker
            model:
              type: two-tower
              query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
              interaction: {type: dnn, hidden: [16]}
            loss: {type: bce}
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01, monitor: auc}
      """).replace("loss: {type: sampled-softmax}", """
      loss:
        type: weighted-sum
        terms:
          - {loss: {type: sampled-softmax}}
          - {loss: {type: distill-kl, temperature: 2.0}}
      """).replace("""
      evaluators:
        - {type: topk, ks: [10, 20], metrics: [recall, ndcg]}""", """
      evaluators:
        - {type: topk, ks: [10, 20], metrics: [recall, ndcg]}
        - {type: pointwise}""");

  private List<RunOutcome> run(String yaml, Path out, boolean resume, String... overrides) {
    List<LoadedRun> runs = Harness.load(tmp.resolve("cfg"), yaml, overrides);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      return new ExperimentRunner(Harness.REGISTRY, ps).runAll(runs, out, resume);
    }
  }

  @Test
  void cascade_threeStages_evaluatesTheSystemAndEveryStageAndResumesToTheSameNumbers() throws Exception {
    RunOutcome first = run(CASCADE, tmp.resolve("runs"), false).get(0);
    Map<String, Double> m = first.metrics();

    assertThat(m).containsKeys("test/recall@20", "test/retriever/recall@20", "test/pre-ranker/recall@20",
        "test/ranker/recall@20", "test/ranker/auc", "cost/retriever/flops-per-pair", "cost/ranker/flops-per-pair",
        "cost/us-per-query", "cost/ranker/item-side-precomputable", "cost/retriever/parameters");
    assertThat(m.get("cost/ranker/item-side-precomputable")).isEqualTo(0.0);
    assertThat(m.get("cost/retriever/item-side-precomputable")).isEqualTo(1.0);
    assertThat(m.get("cost/ranker/flops-per-pair")).isGreaterThan(m.get("cost/retriever/flops-per-pair"));
    for (String stage : List.of("retriever", "pre-ranker", "ranker")) {
      assertThat(first.dir().resolve("stages").resolve(stage).resolve("metrics-history.jsonl")).exists();
      assertThat(first.dir().resolve("checkpoints")).isDirectoryContaining(p -> p.getFileName().toString()
          .endsWith("-" + stage));
    }

    RunOutcome resumed = run(CASCADE, tmp.resolve("runs"), true).get(0);
    for (String k : List.of("test/recall@20", "test/ranker/auc", "test/pre-ranker/ndcg@20")) {
      assertThat(resumed.metrics().get(k)).as(k).isEqualTo(m.get(k));
    }
  }

  @Test
  void cascade_distillLossWithoutTeacher_refusedBeforeAnythingIsWritten() {
    String noTeacher = CASCADE.replaceAll("(?m)^ *teacher: ranker\n", "");
    assertThat(noTeacher).isNotEqualTo(CASCADE);
    Path out = tmp.resolve("refused");

    assertThatThrownBy(() -> run(noTeacher, out, false)).isInstanceOf(UserException.class)
        .hasMessageContaining("teacher");
    assertThat(Files.exists(out)).isFalse();
  }

  private static final String DISTILL = Harness.SIMULATOR.replace(
      "trainer: {type: plain, epochs: 3, batch-size: 128, learning-rate: 0.01, patience: 0}", """
      trainer:
        type: distill
        teacher:
          model:
            type: two-tower
            query-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
            item-tower: {type: mlp, embedding-dim: 8, output-dim: 8}
            interaction: {type: dnn, hidden: [16]}
          loss: {type: bce}
          train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
        train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
      """).replace("loss: {type: sampled-softmax}", "loss: {type: distill-kl}");

  @Test
  void distill_teacherTrainedInTheRun_isEvaluatedBesidesTheStudent() {
    Map<String, Double> m = run(DISTILL, tmp.resolve("runs"), false).get(0).metrics();

    assertThat(m).containsKeys("test/recall@20", "test/teacher/recall@20", "cost/teacher/parameters",
        "cost/flops-per-pair");
  }

  @Test
  void distill_teacherFromAnEarlierRun_loadsIt_andRefusesAnotherSeed() throws Exception {
    RunOutcome plain = run(Harness.SIMULATOR, tmp.resolve("runs"), false, "trainer.epochs=1").get(0);
    String fromRun = DISTILL.replaceAll("(?s)  teacher:\n.*?train: \\{type: plain, epochs: 1, batch-size: 256, "
        + "learning-rate: 0.01\\}\n  train:", "  teacher: {from: '" + plain.dir() + "'}\n  train:");

    Map<String, Double> m = run(fromRun, tmp.resolve("runs"), false).get(0).metrics();
    assertThat(m).containsKey("test/teacher/recall@20");
    assertThat(m.get("test/teacher/recall@20")).isEqualTo(plain.metrics().get("test/recall@20"));

    assertThatThrownBy(() -> run(fromRun, tmp.resolve("runs"), false, "seed=8")).isInstanceOf(UserException.class)
        .hasMessageContaining("test rows");
  }
}
