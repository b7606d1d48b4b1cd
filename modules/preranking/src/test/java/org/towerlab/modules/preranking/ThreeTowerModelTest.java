package org.towerlab.modules.preranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.KitDotInteraction;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.TowerScorer;

class ThreeTowerModelTest {
  @TempDir Path tmp;

  private static ThreeTowerModel model() {
    return new ThreeTowerModel(KitTower.idOnly(4, 0.3), KitTower.idOnly(4, 0.3), new KitDotInteraction(1.0),
        new ThreeTowerModelConfig(new org.towerlab.api.config.ComponentConfig.Tower() {},
            new org.towerlab.api.config.ComponentConfig.Tower() {},
            new org.towerlab.api.config.ComponentConfig.Interaction() {}, null, List.of(4)));
  }

  @Test
  void initialize_dataWithoutPairFields_userErrorSayingHowToDeclareThem() {
    try (NDManager m = NDManager.newBaseManager()) {
      ThreeTowerModel model = model();
      assertThatThrownBy(() -> model.initialize(new TestParams(m, 1).model(TinyData.split())))
          .isInstanceOf(UserException.class).hasMessageContaining("pair-counts");
    }
  }

  @Test
  void scorer_countsOfTheQueryAtTheItemsCategory_itemSideCachedAndCostAboveTheTwoTowers() {
    Split split = FieldsTowerTest.withPairCounts();
    try (NDManager m = NDManager.newBaseManager()) {
      ThreeTowerModel model = model();
      model.initialize(new TestParams(m, 1).model(split));
      FeatureBatches batches = new FeatureBatches(split);
      FeatureBatch qf = batches.build(Side.QUERY, new long[] {0, 3}, null, m);
      FeatureBatch vf = batches.build(Side.ITEM, new long[] {0, 1, 2, 3, 4, 5}, null, m);
      TowerOutput q = model.queryTower().encode(qf, Forwards.inference(m));
      TowerOutput v = model.itemTower().encode(vf, Forwards.inference(m));

      assertThat(q.extras().get("pair:category-counts").toFloatArray()).containsExactly(1, 2, 1, 0, 1, 1);
      assertThat(v.extras().get("pair-key:category").toLongArray()).containsExactly(0, 1, 2, 0, 1, 2);
      float[] direct = model.interaction().scoreAll(q, v, Forwards.inference(m)).toFloatArray();
      try (TowerScorer scorer = new TowerScorer(model, batches, 6, m)) {
        float[] served = scorer.scoreBlock(new long[] {0, 3}, 0, 6, m).toFloatArray();
        assertThat(served).containsExactly(direct, within(1e-6f));
        assertThat(scorer.itemSidePrecomputable()).isTrue();
        assertThat(scorer.flopsPerPair()).isGreaterThan(new KitDotInteraction(1.0).flopsPerPair(4));
      }
    }
  }

  /** A small simulated cascade; the grid swaps the pre-ranker (the top-level model). */
  private static final String GRID = """
      name: prerankers
      seed: 7
      data:
        type: simulator
        n-users: 300
        n-items: 200
        n-categories: 8
        seed: 11
        cascade: {requests-per-user: 3, retrieved: 40, pre-ranked: 10}
        protocol: {type: per-user-ratio, unit: request}
        pair-counts: [category]
      model:
        type: two-tower
        query-tower: {type: mlp, fields: [id, segment], embedding-dim: 8, output-dim: 8}
        item-tower: {type: mlp, fields: [id, category, content], embedding-dim: 8, output-dim: 8}
        interaction: {type: cosine, temperature: 0.1}
      loss: {type: bce}
      trainer:
        type: cascade
        stages:
          - name: retriever
            model:
              type: two-tower
              query-tower: {type: mlp, fields: [id, segment], embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, fields: [id, category, content], embedding-dim: 8, output-dim: 8}
              interaction: {type: cosine, temperature: 0.1}
            sampler: {type: in-batch}
            loss: {type: sampled-softmax, logq-correction: true}
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01}
            keep: 20
          - name: pre-ranker
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01, monitor: auc}
            keep: 5
          - name: ranker
            model:
              type: two-tower
              query-tower: {type: mlp, fields: [id, segment], embedding-dim: 8, output-dim: 8}
              item-tower: {type: mlp, fields: [id, category, content], embedding-dim: 8, output-dim: 8}
              interaction: {type: dnn, hidden: [16]}
            loss: {type: bce}
            train: {type: plain, epochs: 1, batch-size: 256, learning-rate: 0.01, monitor: auc}
      evaluators:
        - {type: pointwise}
      tracking: {type: local, fsync: false}
      grid:
        variant:
          - {name: two-tower}
          - name: three-tower
            model: {type: three-tower, query-tower: {type: mlp, fields: [id, segment], embedding-dim: 8, output-dim: 8},
                    item-tower: {type: mlp, fields: [id, category, content], embedding-dim: 8, output-dim: 8},
                    interaction: {type: cosine, temperature: 0.1}, hidden: [8]}
          - name: cold
            model: {type: two-tower, query-tower: {type: fields, fields: [id, segment], embedding-dim: 4},
                    item-tower: {type: fields, fields: [id, category, content], embedding-dim: 4},
                    interaction: {type: cold, field-dim: 4, hidden: [16]}}
      """;

  @Test
  void cascade_preRankerVariants_reportTheirCostAndWhetherTheItemSideIsPrecomputable() throws IOException {
    Registry registry = Registry.discover();
    Path file = tmp.resolve("grid.yaml");
    Files.writeString(file, GRID);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<RunOutcome> runs;
    try (PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      runs = new ExperimentRunner(registry, ps).runAll(new ConfigLoader(registry).loadRuns(file, List.of(), Map.of()),
          tmp.resolve("runs"), false);
    }
    Map<String, Double> two = runs.get(0).metrics();
    Map<String, Double> three = runs.get(1).metrics();
    Map<String, Double> cold = runs.get(2).metrics();

    for (Map<String, Double> m : List.of(two, three, cold)) {
      assertThat(m).containsKeys("test/pre-ranker/auc", "test/ranker/auc", "cost/pre-ranker/us-per-1000-candidates");
    }
    assertThat(two.get("cost/pre-ranker/item-side-precomputable")).isEqualTo(1.0);
    assertThat(three.get("cost/pre-ranker/item-side-precomputable")).isEqualTo(1.0);
    assertThat(cold.get("cost/pre-ranker/item-side-precomputable")).isEqualTo(0.0);
    assertThat(three.get("cost/pre-ranker/flops-per-pair")).isGreaterThan(two.get("cost/pre-ranker/flops-per-pair"));
    assertThat(cold.get("cost/pre-ranker/flops-per-pair")).isGreaterThan(three.get("cost/pre-ranker/flops-per-pair"));
    // the retriever and the ranker are the same in every variant
    assertThat(three.get("test/ranker/auc")).isEqualTo(two.get("test/ranker/auc"));
    assertThat(cold.get("test/retriever/auc")).isEqualTo(two.get("test/retriever/auc"));
  }
}
