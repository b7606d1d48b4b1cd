package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.towerlab.registry.Registry;

/**
 * Meta's related-item components mixed with other methods through the real registry
 * ({@code modules/meta-related} depends on no other paper module): relabelling (y = engaged AND
 * relevant) and popularity IPW trained with HIT's towers and MaxSim on co-engagement data from the
 * simulator, as a two-point grid whose parent gets the trade-off plot.
 */
class MetaRelatedMixTest {
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

  private static final String HIT_RELABEL = """
      name: meta-hit
      seed: 3
      data:
        type: co-engagement
        source: {type: simulator, n-users: 150, n-items: 60, interactions-per-user: 15, seed: 5}
        window: 3
        relevance: {terms: [{kind: truth}], threshold: 0.5}
        protocol: {type: related-temporal, min-relevance: 0.5}
      model:
        type: two-tower
        query-tower: {type: hit, embedding-dim: 8, hidden: [16], output-dim: 16, heads: 2, head-dim: 8,
                      generator-fields: [id], generator-hidden: [8], generation-weight: 0.1}
        item-tower: {type: hit, embedding-dim: 8, hidden: [16], output-dim: 16, heads: 2, head-dim: 8,
                     generator-fields: [id], generator-hidden: [8], generation-weight: 0.1}
        interaction: {type: max-sim, normalize: true, temperature: 0.2}
      sampler: {type: in-batch}
      loss: {type: popularity-ipw, beta: 0.0, loss: {type: sampled-softmax}}
      trainer: {type: plain, epochs: 2, batch-size: 128, learning-rate: 0.01, monitor: recall@20}
      evaluators:
        - {type: topk, ks: [20]}
        - {type: semantic, ks: [20]}
      grid:
        loss.beta: [0.0, 1.0]
      """;

  @Test
  void run_relabellingAndIpwWithHitTowers_relevanceBesideEngagementAndTheTradeoffPlot() throws IOException {
    Path config = dir.resolve("meta-hit.yaml");
    Files.writeString(config, HIT_RELABEL);
    int code = cli("run", config.toString(), "--out", dir.resolve("runs").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<Path> runs;
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      runs = s.filter(p -> p.getFileName().toString().equals("metrics.json")).map(Path::getParent).toList();
    }
    assertThat(runs).hasSize(2);
    for (Path run : runs) {
      JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
      for (String key : List.of("test/recall@20", "test/ndcg@20", "test/semantic/relevant@20",
          "test/semantic/relevance@20", "test/semantic/corpus-relevant", "valid/semantic/relevant@20")) {
        assertThat(metrics.has(key)).as("metrics.json has %s", key).isTrue();
        assertThat(metrics.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
      }
      Set<String> history = new HashSet<>();
      for (String line : Files.readAllLines(run.resolve("metrics-history.jsonl"))) {
        history.add(JSON.readTree(line).get("key").asText());
      }
      // HIT's own terms and the IPW wrapper's diagnostic
      assertThat(history).contains("train/hit-generation-query", "train/hit-generation-item", "train/ipw-weight");
    }
    Path grid;
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      grid = s.filter(p -> p.getFileName().toString().equals("leaderboard.csv")).findFirst().orElseThrow().getParent();
    }
    assertThat(Files.readString(grid.resolve("leaderboard.csv"))).contains("test/semantic/relevant@20");
    assertThat(grid.resolve("plots").resolve("tradeoff-at-20.png")).exists();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("semantic/relevant@20");
    // the relabelled split demoted engaged pairs that are not relevant
    String provenance = Files.readString(runs.get(0).resolve("provenance.json"));
    assertThat(provenance).contains("relabel.demoted");
  }

  @Test
  void validate_multitaskLossOnPlainTowers_refusedWithTheWrapperToUse() throws IOException {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, """
        name: bad
        data: {type: co-engagement, source: {type: simulator}}
        model: {type: two-tower, query-tower: {type: mlp}, item-tower: {type: mlp}, interaction: {type: dot}}
        loss: {type: meta-multitask, engagement: {type: sampled-softmax}}
        """);
    assertThat(cli("validate", config.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid combination").contains("task-heads")
        .doesNotContain("\tat ");
  }
}
