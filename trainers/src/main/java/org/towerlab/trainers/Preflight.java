package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.EvalContext;
import org.towerlab.api.eval.Evaluation;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.train.TrainContext;
import org.towerlab.api.train.TrainingStrategy;
import org.towerlab.registry.Registry;
import org.towerlab.registry.config.LoadedRun;

/**
 * The checks of one run that need the data but no training, made by {@code towerlab validate} and
 * by {@code towerlab run} for every run of a config before the run store is touched: after them, a
 * user error is a bug. {@link ExperimentRunner} calls {@link #check} once the run's components are
 * built and its data is loaded and split.
 *
 * <ol>
 *   <li>Every part of the split has rows.
 *   <li>A <b>dry pass</b> through the real model, on its own components and parameters: the model
 *       is initialized against the data (feature fields the data set lacks are refused here), both
 *       towers encode 2 queries and 2 items, the interaction scores them with {@code scoreAll}
 *       {@code [2, 2]} and {@code scorePaired} {@code [2, 1]} (tower widths an interaction cannot
 *       score are refused with the shapes), then one training step of the configured strategy runs
 *       on 2 rows or lists: the row mode ({@link RowModes}), the sampler (and any file it reads),
 *       the couplings, inverse-propensity weights and the loss with its backward pass.
 *   <li>The evaluators score the validation rows of two queries; the metric names they report
 *       decide whether {@code trainer.monitor} exists.
 * </ol>
 *
 * <p>The dry pass draws from its own {@link Seeds} of the run's root seed and from fixed
 * generators, builds its own instances of every component and closes its own {@link NDManager}:
 * the run's components, parameters, random streams and recorded seeds are untouched, so a run
 * after the check gives the same numbers as without it.
 */
public final class Preflight {
  /** Rows (or lists) of the dry training step. */
  static final int ROWS = 2;
  /** Queries whose validation rows the dry evaluation scores. */
  static final int EVAL_QUERIES = 2;

  private Preflight() {}

  /**
   * Checks one prepared run; throws a {@link UserException} naming the config file, the run and
   * the config path of the part that fails.
   *
   * @param run the run as loaded
   * @param split the run's split (read only)
   */
  public static void check(Registry registry, LoadedRun run, Split split) {
    ExperimentConfig cfg = run.config();
    String where = run.source() + " (run " + cfg.run() + ")";
    parts(split, where);
    Seeds seeds = new Seeds(cfg.seed()); // the dry pass's own: the run's seeds record nothing of it
    Model model = registry.build(Kind.MODEL, cfg.model(), "$.model", seeds, Model.class);
    List<Evaluator> evaluators = new ArrayList<>();
    for (int i = 0; i < cfg.evaluators().size(); i++) {
      evaluators.add(registry.build(Kind.EVALUATOR, cfg.evaluators().get(i), "$.evaluators[" + i + "]", seeds,
          Evaluator.class));
    }
    TrainingStrategy strategy = registry.build(Kind.TRAINER, cfg.trainer(), "$.trainer", seeds,
        TrainingStrategy.class);
    try (NDManager manager = NDManager.newBaseManager()) {
      Scorer scorer;
      if (model.trainable()) {
        Sampler sampler = registry.build(Kind.SAMPLER, cfg.sampler(), "$.sampler", seeds, Sampler.class);
        Loss loss = registry.build(Kind.LOSS, cfg.loss(), "$.loss", seeds, Loss.class);
        Params params = new Params(manager, seeds.stream("init"));
        user(where, () -> {
          model.initialize(new InitContext(params.scope("model"), split, null));
          if (loss instanceof Parameterized p) {
            p.initialize(new InitContext(params.scope("loss"), split, null));
          }
          return null;
        });
        FeatureBatches batches = new FeatureBatches(split);
        TowerScorer towers = new TowerScorer(model, batches, split.dataset().numItems(), manager);
        forward(model, split, batches, manager, where);
        trainStep(run, model, sampler, loss, strategy, split, evaluators, seeds, params, towers, batches, manager,
            where);
        towers.refresh();
        scorer = towers;
      } else {
        scorer = model.fixedScorer(split);
      }
      try (Scorer s = scorer) {
        Set<String> metrics = evaluate(evaluators, split, s, strategy.stageNames(), manager, where);
        if (model.trainable()) { // an untrained model (most-popular) monitors nothing
          monitor(run, metrics, where);
        }
        tuneMetric(run, metrics, where);
      }
    }
  }

  /** Every part must have rows: an empty part fails later in ways that do not name the cause. */
  static void parts(Split split, String where) {
    for (String part : Split.PARTS) {
      if (split.part(part).size() == 0) {
        throw new UserException(where + ": protocol '" + split.protocol() + "' at $.data.protocol gives the "
            + part + " part of data set '" + split.dataset().name() + "' no " + (split.positiveLabel() == null ? ""
            : "positive ") + "rows (train " + split.train().size() + ", valid " + split.valid().size() + ", test "
            + split.test().size() + "). Check the data file and the protocol's settings (ratios, min-rating,"
            + " k-core, label).");
      }
    }
  }

  /**
   * Encodes 2 queries and 2 items and scores them both ways, naming the stage and the shapes when
   * one fails.
   */
  private static void forward(Model model, Split split, FeatureBatches batches, NDManager manager, String where) {
    InteractionLog train = split.train();
    long[] q = new long[ROWS];
    long[] items = new long[ROWS];
    long[] times = new long[ROWS];
    for (int i = 0; i < ROWS; i++) {
      int r = Math.min(i, train.size() - 1);
      q[i] = train.queries()[r];
      items[i] = train.items()[r];
      times[i] = train.timestamps()[r];
    }
    try (NDManager bm = manager.newSubManager()) {
      Forward fwd = Forward.inference(bm);
      TowerOutput qo = stage(where, "the query tower at $.model.query-tower cannot encode 2 queries", null,
          () -> model.queryTower().encode(batches.build(Side.QUERY, q, times, bm), fwd));
      TowerOutput io = stage(where, "the item tower at $.model.item-tower cannot encode 2 items", null,
          () -> model.itemTower().encode(batches.build(Side.ITEM, items, null, bm), fwd));
      String shapes = "query-tower outputs " + describe(qo) + " against item-tower outputs " + describe(io);
      String hint = qo.dim() == io.dim() ? null : "The towers' output widths differ (" + qo.dim() + " and "
          + io.dim() + "): give $.model.query-tower and $.model.item-tower the same output width, or use an"
          + " interaction that maps one onto the other.";
      NDArray all = stage(where, "the interaction at $.model.interaction cannot score " + shapes + " (scoreAll)",
          hint, () -> model.interaction().scoreAll(qo, io, fwd));
      expect(all, ROWS * ROWS, where, "scoreAll of " + shapes, "[2, 2]");
      NDArray paired = stage(where, "the interaction at $.model.interaction cannot score " + shapes
          + " pair by pair (scorePaired)", hint, () -> model.interaction().scorePaired(qo, io, 1, fwd));
      expect(paired, ROWS, where, "scorePaired of " + shapes, "[2, 1]");
    }
  }

  /** One step of the configured strategy on 2 units: rows, sampler, couplings, weights, loss, backward. */
  private static void trainStep(LoadedRun run, Model model, Sampler sampler, Loss loss, TrainingStrategy strategy,
      Split split, List<Evaluator> evaluators, Seeds seeds, Params params, TowerScorer towers, FeatureBatches batches,
      NDManager manager, String where) {
    TrainStep step;
    if (strategy instanceof PlainTrainer plain) {
      if (plain.config().epochs() == 0) {
        RowModes.resolve(loss, split, plain.config().rows(), "trainer.rows");
        return;
      }
      TrainContext ctx = new TrainContext(model, sampler, loss, split, evaluators, seeds, null, null, false, params,
          manager);
      step = user(where, () -> plain.step(ctx, towers, batches));
    } else if (loss.needsTeacher()) {
      // distill and cascade give the loss its teacher's scores; their own compatibility checks have
      // resolved every phase's row mode and teacher, and a teacher-less step would not be theirs
      return;
    } else {
      // another strategy: its own stages are its business; the run's model and loss must still train
      JsonNode rows = run.effective().path("trainer").path("rows");
      TrainingRows mode = user(where, () -> RowModes.resolve(loss, split, rows.isTextual() ? rows.asText() : null,
          "trainer.rows"));
      if (mode == TrainingRows.LISTS) {
        // a list-wise loss (ARF, RankFlow) trains only inside the strategy's stages, each with its own
        // trainer.stages[i].train.lists source (upstream top-M, requests, sampled); there is none here
        return;
      }
      step = user(where, () -> TrainStep.builder(model, split).setLoss(loss).optRows(mode)
          .optSampler(sampler, new TrainingSamplerContext(split, towers, manager)).optBatches(batches).build());
    }
    int n = step.size();
    if (n < ROWS) {
      throw new UserException(where + ": the model trains on " + step.rows().label() + " rows, but the train part of"
          + " data set '" + split.dataset().name() + "' under protocol '" + split.protocol() + "' has " + n
          + " of them; a training step needs at least " + ROWS + ". Check the data and $.data.protocol.");
    }
    int[] units = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      units[i] = i;
    }
    stage(where, "one training step on " + ROWS + " " + step.rows().label() + " rows (model, $.sampler, $.loss)"
        + " fails", null, () -> step.run(units, 0, 0, new SplittableRandom(1), new SplittableRandom(2), manager));
  }

  /**
   * Runs the evaluators that apply on the validation rows of a few queries; returns the metric
   * names ({@code recall@20}, without the part's prefix).
   */
  private static Set<String> evaluate(List<Evaluator> evaluators, Split split, Scorer scorer, Set<String> stages,
      NDManager manager, String where) {
    Split small = fewQueries(split);
    InteractionLog target = small.valid();
    Set<String> names = new LinkedHashSet<>();
    java.util.Map<String, String> writtenBy = new java.util.HashMap<>();
    for (int i = 0; i < evaluators.size(); i++) {
      Evaluator e = evaluators.get(i);
      if (!e.appliesTo(split)) {
        continue;
      }
      String path = "$.evaluators[" + i + "]";
      if (!e.scorerNames().isEmpty()) {
        // it reads the strategy's named scorers (cascade stages), which exist only after training:
        // check the names now, evaluate it for real then
        for (String name : e.scorerNames()) {
          if (!stages.contains(name) && !name.equals("truth") && !name.equals("corpus")) {
            throw new UserException(where + ": the evaluator at " + path + " reads scorer '" + name + "', but the"
                + " training strategy names " + (stages.isEmpty() ? "no scorers (only cascade and distill do)"
                : "the scorers " + stages) + ". Fix " + path + " (scorer:, reference:, candidates:).");
          }
        }
        continue;
      }
      try (NDManager m = manager.newSubManager()) {
        Evaluation ev = stage(where, "the evaluator at " + path + " (" + e.name() + ") fails on the validation rows",
            null, () -> e.evaluate(new EvalContext(small, "valid", target, small.train(), scorer, m)));
        for (String name : ev.metrics().keySet()) {
          String first = writtenBy.putIfAbsent(name, path);
          if (first != null) {
            // the later evaluator's value would silently replace the earlier one's in metrics.json
            throw new UserException(where + ": the evaluators at " + first + " and " + path + " both report '" + name
                + "', so one value would overwrite the other. Remove one of them, or give one another label:, task:"
                + " or ks.");
          }
        }
        names.addAll(ev.metrics().keySet());
      }
    }
    return names;
  }

  /** The split with its validation and test parts (positive and logged rows) cut to a few queries. */
  static Split fewQueries(Split split) {
    int[] vq = split.valid().queries();
    Set<Integer> keep = new LinkedHashSet<>();
    for (int i = 0; i < vq.length && keep.size() < EVAL_QUERIES; i++) {
      keep.add(vq[i]);
    }
    Split.Logged logged = split.logged() == null ? null : new Split.Logged(split.logged().train(),
        only(split.logged().valid(), keep), only(split.logged().test(), keep));
    return new Split(split.protocol(), split.settings(), split.dataset(), split.train(), only(split.valid(), keep),
        only(split.test(), keep), logged, split.positiveLabel());
  }

  private static InteractionLog only(InteractionLog log, Set<Integer> queries) {
    boolean[] rows = new boolean[log.size()];
    int[] q = log.queries();
    for (int r = 0; r < rows.length; r++) {
      rows[r] = queries.contains(q[r]);
    }
    return log.filter(rows);
  }

  /** {@code trainer.monitor}, when set, must be a metric the evaluators report. */
  private static void monitor(LoadedRun run, Set<String> metrics, String where) {
    JsonNode monitor = run.effective().path("trainer").path("monitor");
    if (!monitor.isTextual() || metrics.isEmpty()) {
      return;
    }
    String name = monitor.asText();
    if (!metrics.contains(name)) {
      Set<String> known = new TreeSet<>(metrics);
      throw new UserException(where + ": $.trainer.monitor is '" + name + "', but the evaluators report "
          + known + " on validation. Set trainer.monitor to one of them, or add the evaluator (or the k in ks)"
          + " that reports it.");
    }
  }

  /** {@code tune.metric}, when the file has a {@code tune:} section, must be a metric the evaluators report. */
  private static void tuneMetric(LoadedRun run, Set<String> metrics, String where) {
    if (run.tune() == null || metrics.isEmpty() || metrics.contains(run.tune().metric())) {
      return;
    }
    throw new UserException(where + ": $.tune.metric is '" + run.tune().metric() + "', but the evaluators report "
        + new TreeSet<>(metrics) + " on validation. Set tune.metric to one of them.");
  }

  private static void expect(NDArray scores, long size, String where, String what, String shape) {
    if (scores.size() != size) {
      throw new UserException(where + ": the interaction at $.model.interaction returns " + scores.getShape()
          + " for " + what + ", expected " + shape + ". Check the interaction against its towers.");
    }
  }

  private static String describe(TowerOutput out) {
    String s = out.embedding().getShape().toString();
    return out.heads() == null ? s : s + " with heads " + out.heads().getShape();
  }

  /**
   * Runs a stage; a user error gets the run's name, an engine or shape error becomes a user error
   * naming the stage, the engine's reason and {@code hint} (what to change) when there is one.
   */
  private static <T> T stage(String where, String what, String hint, Supplier<T> action) {
    try {
      return action.get();
    } catch (UserException e) {
      throw prefixed(where, e);
    } catch (RuntimeException e) {
      throw new UserException(where + ": the dry pass of the model on " + ROWS + " rows failed: " + what + ": "
          + rootMessage(e) + ". " + (hint != null ? hint : "Check the config paths named here (tower widths,"
          + " fields, heads).") + " If the config is right, this is a bug in the component (--debug prints the"
          + " stack trace).", e);
    }
  }

  private static <T> T user(String where, Supplier<T> action) {
    try {
      return action.get();
    } catch (UserException e) {
      throw prefixed(where, e);
    }
  }

  private static UserException prefixed(String where, UserException e) {
    return e.getMessage() != null && e.getMessage().startsWith(where) ? e
        : new UserException(where + ": " + e.getMessage(), e);
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    return m.lines().findFirst().orElse(m).strip();
  }
}
