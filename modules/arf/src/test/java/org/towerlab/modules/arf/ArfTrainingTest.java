package org.towerlab.modules.arf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainContext;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.trainers.ExperimentRunner;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.PlainTrainer;
import org.towerlab.trainers.TowerScorer;
import org.towerlab.trainers.TrainStep;

/**
 * End to end on the simulator, through the real runner and trainer: the ARF loss on sampled lists
 * (each training positive and 19 uniform candidates), and on request lists (the rows of each
 * logged slate, when the split has request ids).
 */
class ArfTrainingTest {
  private static final Registry REGISTRY = Registry.discover();
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private static final String SAMPLED = """
      name: arf-sampled
      seed: 7
      data:
        type: simulator
        n-users: 300
        n-items: 200
        n-categories: 8
        interactions-per-user: 20
        seed: 11
        protocol: {type: per-user-ratio}
      model:
        type: two-tower
        query-tower: {type: mlp, embedding-dim: 16, hidden: [32], output-dim: 16}
        item-tower: {type: mlp, embedding-dim: 16, hidden: [32], output-dim: 16}
        interaction: {type: cosine, temperature: 0.1}
      sampler: {type: uniform, num-negatives: 19, shared: false}
      loss: {type: arf, k: 1, m: 5}
      trainer: {type: plain, epochs: 5, batch-size: 64, learning-rate: 0.01, patience: 0, rows: lists,
                lists: {source: sampled, size: 20}}
      evaluators:
        - {type: topk, ks: [10, 20], metrics: [recall, ndcg]}
      tracking: {type: local, fsync: false}
      """;

  private List<LoadedRun> load(String yaml) throws IOException {
    Path file = tmp.resolve("config.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(REGISTRY).loadRuns(file, List.of(), Map.of());
  }

  /** Per-epoch values of every {@code train/} metric in a run directory's history. */
  private static Map<String, TreeMap<Long, Double>> history(Path runDir) throws IOException {
    Map<String, TreeMap<Long, Double>> out = new HashMap<>();
    for (String line : Files.readAllLines(runDir.resolve("metrics-history.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      out.computeIfAbsent(n.get("key").asText(), k -> new TreeMap<>()).put(n.get("step").asLong(),
          n.get("value").asDouble());
    }
    return out;
  }

  @Test
  void run_sampledLists_relaxAndGlobalTermsFallAndRecallRises() throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ExperimentRunner.RunOutcome out;
    try (PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      out = new ExperimentRunner(REGISTRY, ps).runAll(load(SAMPLED), tmp.resolve("runs"), false).get(0);
    }
    Map<String, TreeMap<Long, Double>> h = history(out.dir());

    TreeMap<Long, Double> relax = h.get("train/arf-relax");
    TreeMap<Long, Double> global = h.get("train/arf-global");
    TreeMap<Long, Double> recall = h.get("train/arf-recall");
    TreeMap<Long, Double> sigma2 = h.get("train/arf-sigma2");
    assertThat(relax).hasSize(5);
    assertThat(relax.lastEntry().getValue()).isLessThan(relax.firstEntry().getValue() * 0.9);
    assertThat(global.lastEntry().getValue()).isLessThan(global.firstEntry().getValue());
    assertThat(recall.lastEntry().getValue()).isGreaterThan(recall.firstEntry().getValue());
    assertThat(h.get("train/loss").lastEntry().getValue()).isLessThan(h.get("train/loss").firstEntry().getValue());
    assertThat(sigma2.values()).allSatisfy(v -> assertThat(v).isFinite().isPositive());
    assertThat(sigma2.lastEntry().getValue()).as("the uncertainty weight moved").isNotEqualTo(1.0);
    assertThat(out.metrics().get("test/recall@20")).isPositive();
  }

  /** The simulator's slates as requests: rows of one user with one slate start time. */
  private static InteractionLog withRequests(InteractionLog log) {
    Map<String, Long> ids = new LinkedHashMap<>();
    long[] req = new long[log.size()];
    for (int r = 0; r < log.size(); r++) {
      String key = log.queries()[r] + ":" + (log.timestamps()[r] - log.positions()[r]);
      req[r] = ids.computeIfAbsent(key, k -> (long) ids.size());
    }
    return new InteractionLog(log.queries(), log.items(), log.timestamps(), log.labels(), log.exposed(),
        log.positions(), log.propensities(), req, log.stages());
  }

  @Test
  void train_requestLists_listsAreTheSlatesAndRelaxFalls() throws IOException {
    String yaml = SAMPLED.replace("protocol: {type: per-user-ratio}", "protocol: {type: ctr, label: click}")
        .replace("loss: {type: arf, k: 1, m: 5}", "loss: {type: arf, k: 1, m: 2}")
        .replace("lists: {source: sampled, size: 20}", "lists: {source: requests, size: 5}, monitor: auc")
        .replace("epochs: 5", "epochs: 6")
        .replace("- {type: topk, ks: [10, 20], metrics: [recall, ndcg]}", "- {type: pointwise}");
    LoadedRun run = load(yaml).get(0);
    ExperimentConfig cfg = run.config();
    Seeds seeds = new Seeds(cfg.seed());
    Dataset data = REGISTRY.build(Kind.DATA, cfg.data(), "$.data", seeds, DataSource.class).load();
    Split plain = REGISTRY.build(Kind.PROTOCOL, cfg.data().protocol(), "$.data.protocol", seeds, Protocol.class)
        .split(data, seeds);
    Split split = new Split(plain.protocol(), plain.settings(), plain.dataset(), plain.train(), plain.valid(),
        plain.test(), new Split.Logged(withRequests(plain.logged("train")), withRequests(plain.logged("valid")),
            withRequests(plain.logged("test"))), plain.positiveLabel());
    Model model = REGISTRY.build(Kind.MODEL, cfg.model(), "$.model", seeds, Model.class);
    Sampler sampler = REGISTRY.build(Kind.SAMPLER, cfg.sampler(), "$.sampler", seeds, Sampler.class);
    Loss loss = REGISTRY.build(Kind.LOSS, cfg.loss(), "$.loss", seeds, Loss.class);
    List<Evaluator> evaluators = List.of(REGISTRY.build(Kind.EVALUATOR, cfg.evaluators().get(0), "$.evaluators[0]",
        seeds, Evaluator.class));
    PlainTrainer trainer = (PlainTrainer) REGISTRY.build(Kind.TRAINER, cfg.trainer(), "$.trainer", seeds,
        org.towerlab.api.train.TrainingStrategy.class);
    Recording tracker = new Recording();
    try (NDManager manager = NDManager.newBaseManager()) {
      Params params = new Params(manager, seeds.stream("init"));
      model.initialize(new InitContext(params.scope("model"), split, null));
      ((Parameterized) loss).initialize(new InitContext(params.scope("loss"), split, null));
      TrainContext ctx = new TrainContext(model, sampler, loss, split, evaluators, seeds, tracker, tmp.resolve("run"),
          false, params, manager);
      try (TowerScorer scorer = new TowerScorer(model, new FeatureBatches(split), data.numItems(), manager)) {
        TrainStep step = trainer.step(ctx, scorer, new FeatureBatches(split));
        assertThat(step.rows()).isEqualTo(TrainingRows.LISTS);
        assertThat(step.size()).as("one list per training slate with two or more rows")
            .isEqualTo(slatesWithTwoRows(split.logged("train")));
        assertThat(step.lists().length()).isEqualTo(5);
      }
      trainer.train(ctx);
    }

    List<Double> relax = tracker.series("train/arf-relax");
    assertThat(relax).hasSize(6);
    assertThat(relax.get(5)).isLessThan(relax.get(0));
    assertThat(tracker.series("train/arf-relax-lists")).allSatisfy(v -> assertThat(v).isBetween(0.1, 1.0));
    assertThat(tracker.series("train/arf-sigma2")).allSatisfy(v -> assertThat(v).isFinite().isPositive());
  }

  private static int slatesWithTwoRows(InteractionLog log) {
    Map<Long, Integer> count = new HashMap<>();
    for (long r : log.requests()) {
      count.merge(r, 1, Integer::sum);
    }
    return (int) count.values().stream().filter(c -> c >= 2).count();
  }

  /** A tracker that keeps the logged metrics in memory. */
  private static final class Recording implements Tracker {
    final List<Map<String, Double>> logged = new ArrayList<>();

    List<Double> series(String key) {
      return logged.stream().filter(m -> m.containsKey(key)).map(m -> m.get(key)).toList();
    }

    @Override
    public void start(RunSpec spec) {}

    @Override
    public String runId() {
      return "test";
    }

    @Override
    public void logParams(Map<String, String> params) {}

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
      logged.add(new LinkedHashMap<>(metrics));
    }

    @Override
    public void setTags(Map<String, String> tags) {}

    @Override
    public void logArtifact(Path file, String artifactDir) {}

    @Override
    public void finish(String status) {}
  }
}
