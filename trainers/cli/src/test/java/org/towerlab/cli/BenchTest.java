package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;

/** The benchmark harness: the smoke run of {@code bench --quick --what train} and its small pieces. */
class BenchTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void bench_quickTrain_printsThroughputTableExitZero() {
    Towerlab cli = new Towerlab(Registry::discover, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    int code = cli.execute("bench", "--quick", "--what", "train");

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(text).contains("## train").contains("### Machine").contains("| cores | ")
        .contains("| DJL / engine | DJL 0.36.0, PyTorch 2.7.1").contains("| command | `towerlab bench --what train --quick` |")
        .contains("| benchmark | setting | result |")
        .containsPattern("\\| training throughput \\| simulator stand-in for ML-100K \\(--quick\\), [\\d,]+ train rows;.*"
            + "\\| epoch 1 \\(with warm-up\\): [\\d,]+ ex/s; epoch 2: [\\d,]+ ex/s \\|")
        .containsPattern("\\| training throughput \\| simulator [\\d,]+ interactions .*; 1 epoch \\| epoch 1 \\(warmed up"
            + " by the run above\\): [\\d,]+ ex/s \\|")
        .doesNotContain("NaN");
  }

  @Test
  void config_twoTowerSettings_matchQuickstartYaml() {
    Registry registry = Registry.discover();
    Path quickstart = Cli.examples().resolve("quickstart.yaml");
    LoadedRun twoTower = new ConfigLoader(registry).loadRuns(quickstart, List.of(), Map.of()).stream()
        .filter(r -> "two-tower".equals(r.effective().path("model").path("type").asText())).findFirst().orElseThrow();
    JsonNode bench = registry.effective(new Bench(registry, null, null, true).config(Bench.ML100K, 3, true));

    for (String section : List.of("data", "model", "sampler", "loss", "evaluators")) {
      assertThat(bench.get(section)).as(section).isEqualTo(twoTower.effective().get(section));
    }
    for (String key : List.of("batch-size", "learning-rate")) {
      assertThat(bench.path("trainer").get(key)).as(key).isEqualTo(twoTower.effective().path("trainer").get(key));
    }
    assertThat(bench.path("trainer").path("epochs").asInt()).isEqualTo(3);
    assertThat(bench.path("trainer").path("patience").asInt()).isZero();
  }

  @Test
  void parts_allAndOne_parsedCaseInsensitiveAllWithoutPytorch() {
    assertThat(Bench.parts("all")).isEqualTo(EnumSet.complementOf(EnumSet.of(Bench.Part.PYTORCH)));
    assertThat(Bench.parts("Memory")).containsExactly(Bench.Part.MEMORY);
    assertThatThrownBy(() -> Bench.parts("cpu")).isInstanceOf(UserException.class).hasMessageContaining("'cpu'");
  }

  @Test
  void parts_performanceParts_parsedByLabel() {
    assertThat(Bench.parts("two-jobs")).containsExactly(Bench.Part.TWO_JOBS);
    assertThat(Bench.parts("pytorch")).containsExactly(Bench.Part.PYTORCH);
    assertThat(Bench.parts("scale")).containsExactly(Bench.Part.SCALE);
    assertThat(Bench.parts("vocab")).containsExactly(Bench.Part.VOCAB);
  }

  @Test
  void export_quickStandIn_writesEveryArrayTheReferenceReads(@org.junit.jupiter.api.io.TempDir Path dir)
      throws java.io.IOException {
    Registry registry = Registry.discover();
    Bench bench = new Bench(registry, new PrintStream(out, true, StandardCharsets.UTF_8), null, true);
    org.towerlab.api.config.ExperimentConfig cfg = bench.config(Bench.QUICK_STAND_IN, 2, false);
    org.towerlab.api.data.Split split = bench.split(Bench.QUICK_STAND_IN, cfg);
    org.towerlab.api.random.Seeds seeds = new org.towerlab.api.random.Seeds(cfg.seed());
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      org.towerlab.api.nn.Params params = Bench.initialize(bench.components(cfg, seeds), split, seeds, m);
      PytorchCompare.export(dir, split, params.trainable(), seeds, 2, 1024, 0.002, 0.1, List.of(128));

      JsonNode meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("meta.json").toFile());
      assertThat(meta.path("params")).hasSize(params.trainable().size());
      for (JsonNode p : meta.path("params")) {
        long n = params.trainable().get(p.path("name").asText()).size();
        assertThat(java.nio.file.Files.size(dir.resolve("param." + p.path("name").asText() + ".f32"))).isEqualTo(4 * n);
      }
      int rows = split.train().size();
      assertThat(java.nio.file.Files.size(dir.resolve("train.query.i64"))).isEqualTo(8L * rows);
      assertThat(java.nio.file.Files.size(dir.resolve("item.logq.f32"))).isEqualTo(4L * split.dataset().numItems());
      // each epoch's order is a permutation of the training rows
      java.nio.IntBuffer order = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(dir.resolve("order.1.i32")))
          .order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      int[] o = new int[order.remaining()];
      order.get(o);
      assertThat(java.util.Arrays.stream(o).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, rows).toArray());
      assertThat(meta.path("item").path("fields").findValuesAsText("kind")).contains("dense");
    }
  }

  @Test
  void throughput_threeEpochs_firstApartFromMeanOfRest() {
    Map<Integer, Map<String, Double>> epochs = Map.of(
        1, Map.of("train/examples-per-second", 1000.0),
        2, Map.of("train/examples-per-second", 3000.0),
        3, Map.of("train/examples-per-second", 5000.0));
    assertThat(Bench.throughput(new java.util.TreeMap<>(epochs), "epoch 1 (with warm-up)"))
        .isEqualTo("epoch 1 (with warm-up): 1,000 ex/s; epochs 2-3: 4,000 ex/s");
    assertThat(Bench.throughput(Map.of(1, Map.of("train/examples-per-second", 1234.4)), "epoch 1"))
        .isEqualTo("epoch 1: 1,234 ex/s");
    assertThat(Bench.throughput(Map.of(), "epoch 1")).startsWith("n/a");
  }

  @Test
  void scoringNumbers_scoringBenchOutput_parsed() {
    String output = """
        cores=2 maxHeap=1966MB threads=default
        matmul [2048 x 64] x [64 x 100000] x 10: 1.310 s, 200.1 GFLOP/s
        scoring (matmul + on-engine top-51 per block): 10000 x 100000 x 64 in blocks 512 x 100000: 2.50 s, 51.2 GFLOP/s (checksum 1.000)
          scoring peak: Java heap 100 MB (sum of pool peaks), process RSS high-water 900 MB
        end to end (topk evaluator, K=50, seen masked): 4.00 s, 32.0 GFLOP/s, 2500 queries/s; recall@50 = 0.0005
        """;
    Bench.ScoringNumbers n = Bench.ScoringNumbers.parse(output);
    assertThat(n.matmulGflops()).isEqualTo(200.1);
    assertThat(n.scoringGflops()).isEqualTo(51.2);
    assertThat(n.endToEndSeconds()).isEqualTo(4.0);
    assertThat(n.endToEndQueriesPerSecond()).isEqualTo(2500.0);
    assertThat(n.fractionOfPeak()).isCloseTo(51.2 / 200.1, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Bench.ScoringNumbers.parse("garbage").scoringGflops()).isNull();
  }

  @Test
  void residentKb_linux_positiveAndRecordedPerEpoch() {
    Bench.EpochRecorder recorder = new Bench.EpochRecorder();
    recorder.logMetrics(Map.of("train/loss", 1.0), 2);
    assertThat(Bench.residentKb()).isPositive();
    assertThat(recorder.rssKb.get(2)).isPositive();
    assertThat(recorder.epochs.get(2)).containsEntry("train/loss", 1.0);
  }
}
