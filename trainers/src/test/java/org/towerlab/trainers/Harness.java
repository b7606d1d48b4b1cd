package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainContext;
import org.towerlab.api.train.TrainResult;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;

/**
 * Test harness: a small simulator config, loaded through the real config loader and registry, and
 * a {@link Session} that builds the components of one run and calls {@link PlainTrainer} directly
 * (the runner's own path is exercised by {@code ExperimentRunnerTest}).
 */
final class Harness {
  static final Registry REGISTRY = Registry.discover();
  private static final Map<String, Split> SPLITS = new HashMap<>();

  /** 300 users x 200 items, about 6,000 exposures: a 3-epoch run takes about a second. */
  static final String SIMULATOR = """
      name: sim
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
      sampler: {type: in-batch}
      loss: {type: sampled-softmax}
      trainer: {type: plain, epochs: 3, batch-size: 128, learning-rate: 0.01, patience: 0}
      evaluators:
        - {type: topk, ks: [10, 20], metrics: [recall, ndcg]}
      tracking: {type: local, fsync: false}
      """;

  private Harness() {}

  /** Loads {@code yaml} (written to {@code dir/config.yaml}) with {@code --set} overrides. */
  static List<LoadedRun> load(Path dir, String yaml, String... overrides) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("config.yaml");
      Files.writeString(file, yaml);
      return new ConfigLoader(REGISTRY).loadRuns(file, List.of(overrides), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The single run of the simulator config with overrides. */
  static LoadedRun simulator(Path dir, String... overrides) {
    List<LoadedRun> runs = load(dir, SIMULATOR, overrides);
    if (runs.size() != 1) {
      throw new IllegalStateException("expected one run, got " + runs.size());
    }
    return runs.get(0);
  }

  /** The split of a run's data section, cached across tests (the simulator is deterministic). */
  static synchronized Split split(LoadedRun run) {
    ExperimentConfig cfg = run.config();
    String key = run.effective().get("data").toString() + "#" + cfg.seed();
    return SPLITS.computeIfAbsent(key, k -> {
      Seeds seeds = new Seeds(cfg.seed());
      Dataset data = REGISTRY.build(Kind.DATA, cfg.data(), "$.data", seeds, DataSource.class).load();
      Protocol protocol = REGISTRY.build(Kind.PROTOCOL, cfg.data().protocol(), "$.data.protocol", seeds, Protocol.class);
      return protocol.split(data, seeds);
    });
  }

  /** A tracker that records every logged metric map, in order, and can run a hook on each call. */
  static class RecordingTracker implements Tracker {
    final List<Map<String, Double>> logged = new ArrayList<>();
    final List<Long> steps = new ArrayList<>();

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
      steps.add(step);
    }

    @Override
    public void setTags(Map<String, String> tags) {}

    @Override
    public void logArtifact(Path file, String artifactDir) {}

    @Override
    public void finish(String status) {}
  }

  /** The components of one run on one base manager (closed with the session). */
  static final class Session implements AutoCloseable {
    final LoadedRun run;
    final Split split;
    final Seeds seeds;
    final Model model;
    final Sampler sampler;
    final Loss loss;
    final List<Evaluator> evaluators = new ArrayList<>();
    final NDManager manager = NDManager.newBaseManager();
    final Params params;

    Session(LoadedRun run) {
      this(run, split(run));
    }

    Session(LoadedRun run, Split split) {
      this.run = run;
      ExperimentConfig cfg = run.config();
      this.split = split;
      this.seeds = new Seeds(cfg.seed());
      model = REGISTRY.build(Kind.MODEL, cfg.model(), "$.model", seeds, Model.class);
      sampler = REGISTRY.build(Kind.SAMPLER, cfg.sampler(), "$.sampler", seeds, Sampler.class);
      loss = REGISTRY.build(Kind.LOSS, cfg.loss(), "$.loss", seeds, Loss.class);
      for (int i = 0; i < cfg.evaluators().size(); i++) {
        evaluators.add(REGISTRY.build(Kind.EVALUATOR, cfg.evaluators().get(i), "$.evaluators[" + i + "]", seeds,
            Evaluator.class));
      }
      params = new Params(manager, seeds.stream("init"));
      model.initialize(new InitContext(params.scope("model"), split, null));
    }

    PlainTrainer trainer() {
      return (PlainTrainer) REGISTRY.build(Kind.TRAINER, run.config().trainer(), "$.trainer", seeds,
          org.towerlab.api.train.TrainingStrategy.class);
    }

    TrainResult train(Path runDir, boolean resume, Tracker tracker) {
      return train(trainer(), runDir, resume, tracker);
    }

    TrainResult train(PlainTrainer trainer, Path runDir, boolean resume, Tracker tracker) {
      return trainer.train(new TrainContext(model, sampler, loss, split, evaluators, seeds, tracker, runDir, resume,
          params, manager));
    }

    /** Validation and test metrics of the current weights. */
    Map<String, Double> evaluate() {
      Map<String, Double> out = new LinkedHashMap<>();
      try (TowerScorer scorer = new TowerScorer(model, new FeatureBatches(split), split.dataset().numItems(), manager)) {
        out.putAll(Evaluations.evaluate(evaluators, split, "valid", scorer, manager).metrics());
        out.putAll(Evaluations.evaluate(evaluators, split, "test", scorer, manager).metrics());
      }
      return out;
    }

    /** A copy of every parameter's values, by name. */
    Map<String, float[]> weights() {
      return Checkpoint.snapshot(params.all());
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  /** True when both weight maps have the same names and bit-identical values. */
  static boolean sameWeights(Map<String, float[]> a, Map<String, float[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (String k : a.keySet()) {
      if (!Arrays.equals(a.get(k), b.get(k))) {
        return false;
      }
    }
    return true;
  }

  /** Arrays alive on {@code manager} and its sub-managers. */
  static int liveArrays(NDManager manager) {
    List<NDArray> arrays = manager.getManagedArrays();
    return arrays.size();
  }
}
