package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.ConfigLoader;
import org.towerlab.registry.config.LoadedRun;

/**
 * A finished run loaded back from its directory for scoring: its split (the run's
 * {@code split.csv.gz}, refused when the data files changed), its model built from
 * {@code effective-config.yaml} through the registry as the runner builds it, and the weights of
 * its best epoch ({@code checkpoints/best.ckpt}, the weights the run's test metrics were computed
 * with). The item outputs are encoded once ({@link #items()}); {@link #scorer} gives each caller
 * (one per thread: a Spark task) its own query encoding over those shared item outputs, with the
 * same block-wise calls as {@link TowerScorer}, so a query block gets the scores the run's
 * evaluator gave it.
 *
 * <p>Only tower models whose item side is precomputable qualify (the item outputs are computed
 * once, independently of the query); a run evaluated through a cascade or a corpus ranker is refused
 * with a {@link UserException}.
 */
public final class TrainedRun implements AutoCloseable {
  private final Path dir;
  private final ExperimentConfig config;
  private final JsonNode effective;
  private final Split split;
  private final Model model;
  private final NDManager manager;
  private final TowerScorer items;
  private final FeatureBatches batches;

  private TrainedRun(Path dir, LoadedRun run, Split split, Model model, NDManager manager) {
    this.dir = dir;
    this.config = run.config();
    this.effective = run.effective();
    this.split = split;
    this.model = model;
    this.manager = manager;
    this.batches = new FeatureBatches(split);
    this.items = new TowerScorer(model, batches, split.dataset().numItems(), manager);
  }

  /**
   * Loads the run in {@code runDir}: binds its effective config, checks that its model can be
   * scored from precomputed item outputs, reads its data and split, builds the model and sets the
   * best checkpoint's weights.
   *
   * @param console where the data loading reports (the runner's progress lines)
   */
  public static TrainedRun load(Registry registry, Path runDir, PrintStream console) {
    Path dir = runDir.toAbsolutePath().normalize();
    LoadedRun run = bind(registry, dir);
    check(dir, run, registry.build(org.towerlab.api.Kind.MODEL, run.config().model(), "$.model",
        new org.towerlab.api.random.Seeds(run.config().seed()), Model.class)); // before any data is read
    ExperimentRunner runner = new ExperimentRunner(registry, console).splitFrom(dir);
    ExperimentRunner.Prepared prepared = runner.prepare(run);
    Model model = prepared.model();
    Path best = dir.resolve("checkpoints").resolve("best.ckpt");
    if (!Files.isRegularFile(best)) {
      throw new UserException(dir + " has no checkpoints/best.ckpt: point at the directory of a finished run of a"
          + " trained tower model.");
    }
    Checkpoint ckpt = EpochLoop.read(best);
    NDManager manager = NDManager.newBaseManager();
    try {
      Params params = new Params(manager, prepared.seeds().stream("init"));
      model.initialize(new InitContext(params.scope("model"), prepared.split(), null));
      for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
        float[] v = ckpt.arrays.get("param:" + e.getKey());
        if (v == null || v.length != e.getValue().size()) {
          throw new UserException(best + " has no weights of the right shape for '" + e.getKey() + "'; the run's"
              + " model (effective-config.yaml) and its checkpoint disagree.");
        }
        Tensors.overwrite(e.getValue(), v);
      }
      TrainedRun loaded = new TrainedRun(dir, run, prepared.split(), model, manager);
      loaded.items(); // encoded once, here, outside any caller's NDScope
      return loaded;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Refuses the runs whose ranking is not the model's {@code scoreAll} over precomputed item
   * outputs, before any data is read: the whole check needs only the config.
   */
  public static void checkScorable(Registry registry, Path runDir) {
    Path dir = runDir.toAbsolutePath().normalize();
    LoadedRun run = bind(registry, dir);
    Model model = registry.build(org.towerlab.api.Kind.MODEL, run.config().model(), "$.model",
        new org.towerlab.api.random.Seeds(run.config().seed()), Model.class);
    check(dir, run, model);
  }

  private static void check(Path dir, LoadedRun run, Model model) {
    String interaction = run.effective().path("model").path("interaction").path("type").asText("?");
    if (!model.trainable()) {
      throw new UserException("The run in " + dir + " has no trained towers (model type '"
          + run.effective().path("model").path("type").asText("?") + "'): nothing to compute embeddings from.");
    }
    if (!model.interaction().itemSidePrecomputable()) {
      throw new UserException("The run in " + dir + " scores with the '" + interaction + "' interaction, whose item"
          + " side is not precomputable (a score needs the query and the item together), so its corpus cannot be"
          + " scored from item embeddings computed once. Evaluate it with the run's own evaluator on one machine.");
    }
    if (model.interaction() instanceof org.towerlab.api.model.CorpusRanker) {
      throw new UserException("The run in " + dir + " ranks with the '" + interaction + "' interaction, a corpus"
          + " ranker (it merges whole-corpus retrievals), which the blocked corpus job does not reproduce. Evaluate"
          + " it with the run's own evaluator on one machine.");
    }
    String trainer = run.effective().path("trainer").path("type").asText("");
    if (trainer.equals("cascade")) {
      throw new UserException("The run in " + dir + " is a cascade (trainer type 'cascade'): its ranking is the"
          + " cascade of its stages, not one tower model's. Evaluate it with the run's own evaluator on one machine.");
    }
  }

  private static LoadedRun bind(Registry registry, Path dir) {
    Path file = dir.resolve("effective-config.yaml");
    if (!Files.isRegularFile(file)) {
      throw new UserException(dir + " has no effective-config.yaml: point at the directory of a finished run.");
    }
    JsonNode tree;
    try {
      tree = registry.mapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UserException("Cannot read " + file + " (" + e.getMessage() + ").");
    }
    ExperimentConfig cfg = new ConfigLoader(registry).bind(tree, file.toString());
    return new LoadedRun(file, cfg, tree, registry.effective(cfg), Map.of());
  }

  /** The run's directory. */
  public Path dir() {
    return dir;
  }

  /** The run's config, bound from its effective config. */
  public ExperimentConfig config() {
    return config;
  }

  /** The run's effective config (as bound again here, credentials masked as the run wrote them). */
  public JsonNode effective() {
    return effective;
  }

  /** The run's split, as it trained and evaluated on it. */
  public Split split() {
    return split;
  }

  public Model model() {
    return model;
  }

  /** The item outputs of the whole corpus, encoded once (thread-safe). */
  public TowerOutput items() {
    return items.items();
  }

  /**
   * A scorer over the shared item outputs that encodes its own query blocks (the last block cached,
   * as {@link TowerScorer} does). Not thread-safe: one per thread; close it to free its queries.
   */
  public Scorer scorer() {
    return new QueryScorer();
  }

  @Override
  public void close() {
    items.close();
    manager.close();
  }

  /** The scores of {@link TowerScorer#scoreBlock} with the item outputs shared and the queries its own. */
  private final class QueryScorer implements Scorer {
    private final NDManager own = manager.newSubManager();
    private NDManager queryManager;
    private long[] cached;
    private TowerOutput cachedOutput;

    @Override
    public int numItems() {
      return split.dataset().numItems();
    }

    private TowerOutput queries(long[] ids) {
      if (cached != null && Arrays.equals(cached, ids)) {
        return cachedOutput;
      }
      if (queryManager != null) {
        queryManager.close();
      }
      queryManager = own.newSubManager();
      try (NDScope scope = new NDScope()) {
        TowerOutput out = model.queryTower().encode(batches.build(Side.QUERY, ids, null, queryManager),
            Forward.inference(queryManager));
        TowerScorer.keep(out);
        cachedOutput = out;
      }
      cached = ids.clone();
      return cachedOutput;
    }

    @Override
    public NDArray scoreBlock(long[] queryIds, int itemFrom, int itemTo, NDManager m) {
      TowerOutput all = items();
      TowerOutput q = queries(queryIds);
      try (NDScope scope = new NDScope()) {
        TowerOutput block = itemFrom == 0 && itemTo == numItems() ? all : all.rows(itemFrom, itemTo);
        NDArray scores = model.interaction().scoreAll(q, block, Forward.inference(m)); // [B, m]
        NDScope.unregister(scores);
        scores.attach(m);
        return scores;
      }
    }

    @Override
    public float[] scorePairs(long[] queryIds, long[] itemIds, NDManager m) {
      throw new UnsupportedOperationException("pair scoring of a loaded run: use TowerScorer");
    }

    @Override
    public long flopsPerPair() {
      return items.flopsPerPair();
    }

    @Override
    public boolean itemSidePrecomputable() {
      return true;
    }

    @Override
    public void close() {
      own.close();
    }
  }
}
