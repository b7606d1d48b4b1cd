package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.modules.baseline.BceLoss;
import org.towerlab.modules.baseline.BceLossConfig;
import org.towerlab.modules.gnolr.GnolrLoss;
import org.towerlab.modules.gnolr.GnolrLossConfig;
import org.towerlab.registry.Registry;

/**
 * GNOLR mixed with other methods through the real registry (the module depends on none of them):
 * its level heads over DAT towers on the simulator, and its one-level case against the baseline's
 * {@code bce} loss.
 */
class GnolrMixTest {
  private static final Registry REGISTRY = Registry.discover();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int cli(String... args) {
    return new Towerlab(() -> REGISTRY, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
  }

  private static final String DAT_HEADS = """
      name: gnolr-dat
      seed: 3
      data:
        type: simulator
        n-users: 150
        n-items: 100
        interactions-per-user: 12
        protocol: {type: per-user-ratio}
      model:
        type: two-tower
        query-tower:
          type: gnolr
          levels: 3
          head-dim: 8
          hidden: []
          base: {type: dat, embedding-dim: 8, hidden: [16], output-dim: 16, augment-dim: 16}
        item-tower:
          type: gnolr
          levels: 3
          head-dim: 8
          hidden: []
          base: {type: dat, embedding-dim: 8, hidden: [16], output-dim: 16, augment-dim: 16, cal-weight: 1.0}
        interaction: {type: gnolr, levels: [click, like, share], scales: [4.0, 0.5, 0.5]}
      loss: {type: gnolr, labels: [click, like, share]}
      trainer: {type: plain, epochs: 2, batch-size: 256, learning-rate: 0.01, monitor: like/recall@20}
      evaluators:
        - {type: topk, ks: [20], label: click, task: click}
        - {type: topk, ks: [20], label: like, task: like}
        - {type: topk, ks: [20], label: like, task: share}
        - {type: pointwise, label: share, task: share}
      """;

  @Test
  void run_gnolrHeadsOverDatTowers_perLevelMetricsAndDatTermsRecorded() throws IOException {
    Path config = dir.resolve("gnolr-dat.yaml");
    Files.writeString(config, DAT_HEADS);
    int code = cli("run", config.toString(), "--out", dir.resolve("runs").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Path run;
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      run = s.filter(p -> p.getFileName().toString().equals("metrics.json")).findFirst().orElseThrow().getParent();
    }
    JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
    for (String key : List.of("test/click/recall@20", "test/like/recall@20", "test/share/like/recall@20",
        "test/share/auc", "valid/like/recall@20")) {
      assertThat(metrics.has(key)).as("metrics.json has %s", key).isTrue();
      assertThat(metrics.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
    }
    Set<String> history = new HashSet<>();
    for (String line : Files.readAllLines(run.resolve("metrics-history.jsonl"))) {
      history.add(JSON.readTree(line).get("key").asText());
    }
    // DAT's own terms, with its mimic loss fed the other side's DAT output through the gnolr wrapper
    assertThat(history).contains("train/dat-mimic-query", "train/dat-mimic-item", "train/dat-cal", "train/loss");
    assertThat(Files.readString(run.resolve("leaderboard.csv"))).contains("like/recall@20");
  }

  @Test
  void validate_gnolrLossOnMlpTowers_refusedWithTheWrapperToUse() throws IOException {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, """
        name: bad
        data: {type: simulator}
        model: {type: two-tower, query-tower: {type: mlp}, item-tower: {type: mlp}, interaction: {type: dot}}
        loss: {type: gnolr}
        """);
    assertThat(cli("validate", config.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid combination")
        .contains("{type: gnolr, levels: 3}").contains("base:").doesNotContain("\tat ");
  }

  @Test
  void compute_oneLevelWithOddsOne_equalsTheBaselineBceOnTheSameScores() {
    try (NDManager m = NDManager.newBaseManager()) {
      GnolrLoss gnolr = new GnolrLoss(new GnolrLossConfig(List.of("click"), null, null, List.of(2.5), List.of(1.0),
          null, null, null), "$.loss");
      gnolr.initialize(new TestParams(m, 1).loss(TinyData.split()));
      BceLoss bce = new BceLoss(new BceLossConfig("click"));
      float[] q = {1, 2, 0, -1, 0.5f, 0.5f, 3, 0, 1, -2, 1, 1};
      float[] v = {0.3f, -1, 2, 1, 1, 0, -1, 2, 0.2f, 0, -1, 1};
      NDArray qh = Tensors.create(m, q, new Shape(4, 1, 3));
      NDArray vh = Tensors.create(m, v, new Shape(4, 1, 3));
      Map<String, NDArray> labels = Map.of("click", Tensors.create(m, new float[] {1, 0, 1, 0}));
      NDArray weights = Tensors.create(m, new float[] {1, 3, 0.5f, 1});
      Gradients.Result mine = Gradients.of(Map.of("q", qh, "v", vh), () -> gnolr.compute(LossInput.builder(null)
          .labels(labels).weights(weights).outputs(output(qh), output(vh)).build(), Forwards.training(m, 1)));
      Gradients.Result baseline = Gradients.of(Map.of("q", qh, "v", vh), () -> {
        NDArray cos = unit(qh).mul(unit(vh)).sum(new int[] {1, 2}); // [B]
        NDArray scores = cos.mul(Tensors.scalar(m, 2.5f)); // the logit S * cos
        return bce.compute(LossInput.builder(scores).labels(labels).weights(weights).build(), Forwards.training(m, 1));
      });
      assertThat(mine.value()).isCloseTo(baseline.value(), within(1e-5f));
      assertThat(mine.of("q")).containsExactly(baseline.of("q"), within(1e-5f));
      assertThat(mine.of("v")).containsExactly(baseline.of("v"), within(1e-5f));
    }
  }

  private static TowerOutput output(NDArray heads) {
    return new TowerOutput(heads.reshape(heads.getShape().get(0), -1), heads, null, null, Map.of());
  }

  private static NDArray unit(NDArray h) {
    return h.div(h.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
  }
}
