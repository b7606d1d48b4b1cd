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
 * LongRetriever mixed with other methods through the real registry (the module depends on none of
 * them): its per-category user tower and multi-context retrieval against a DAT item tower with
 * mixed negative sampling, on a small simulated world with long histories.
 */
class LongRetrieverMixTest {
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

  private static final String DATA = """
      data:
        type: simulator
        n-users: 60
        n-items: 80
        n-categories: 5
        interactions-per-user: 40
        min-interactions-per-user: 30
        category-interest: 2.0
        history: {length: 5, contexts: 2}
        protocol: {type: per-user-ratio}
      """;

  @Test
  void run_longRetrieverUserTowerWithADatItemTowerAndMixedNegatives_metricsAndDatTermsRecorded() throws IOException {
    Path config = dir.resolve("longretriever-dat.yaml");
    Files.writeString(config, "name: longretriever-dat\nseed: 3\n" + DATA + """
        model:
          type: two-tower
          query-tower: {type: longretriever, fields: [segment], embedding-dim: 8, hidden: [16], output-dim: 16}
          item-tower: {type: dat, embedding-dim: 8, hidden: [16], output-dim: 16, augment-dim: 16, cal-weight: 1.0}
          interaction: {type: multi-context, budget: 20, quotas: [0.7, 0.3]}
        sampler: {type: mixed, num-negatives: 16}
        loss: {type: sampled-softmax}
        trainer: {type: plain, epochs: 1, batch-size: 128, learning-rate: 0.01}
        evaluators:
          - {type: topk, ks: [10, 20]}
          - {type: truth, ks: [10]}
        """);
    int code = cli("run", config.toString(), "--out", dir.resolve("runs").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Path run;
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      run = s.filter(p -> p.getFileName().toString().equals("metrics.json")).findFirst().orElseThrow().getParent();
    }
    JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
    for (String key : List.of("test/recall@20", "test/ndcg@10", "valid/recall@20", "test/truth/recall@10")) {
      assertThat(metrics.has(key)).as("metrics.json has %s", key).isTrue();
      assertThat(metrics.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
    }
    assertThat(metrics.get("cost/flops-per-pair").asDouble()).isEqualTo(33.0); // one cosine of width 16 per pair
    Set<String> history = new HashSet<>();
    for (String line : Files.readAllLines(run.resolve("metrics-history.jsonl"))) {
      history.add(JSON.readTree(line).get("key").asText());
    }
    assertThat(history).contains("train/dat-cal", "train/loss");
  }

  @Test
  void validate_byCategoryFieldNamedInAnMlpTower_refusedWithTheTowerToUse() throws IOException {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "name: bad\n" + DATA + """
        model:
          type: two-tower
          query-tower: {type: mlp, fields: [segment, category-history]}
          item-tower: {type: mlp}
          interaction: {type: cosine}
        trainer: {type: plain, epochs: 1}
        """);
    assertThat(cli("run", config.toString(), "--out", dir.resolve("runs").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("category-history").contains("by-category")
        .contains("longretriever").doesNotContain("\tat ");
  }
}
