package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.Compatibility;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.nn.Params;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainContext;
import org.towerlab.api.train.TrainResult;
import org.towerlab.api.train.TrainingStrategy;
import org.towerlab.registry.BuildContext;
import org.towerlab.registry.io.Mappers;

/**
 * Several models in one run, as the stages of a cascade (retriever -> pre-ranker -> ranker),
 * trained in a schedule of phases. Each phase trains one stage with its own {@link TrainStep} and
 * {@link EpochLoop} (its loss, sampler, row mode and settings), optionally taught by another stage
 * whose scores fill {@code teacher}/{@code listTeacher}, detached; a stage trained on
 * {@code lists: {source: upstream}} learns from the previous stage's current top-M (RankFlow's
 * space after the upstream truncation). Alternating self- and tutor-learning rounds (RankFlow) are
 * schedules that train a stage several times.
 *
 * <p>Every phase checkpoints into {@code checkpoints/<i>-<stage>/} and writes {@code done.ckpt}
 * when it ends; {@code --resume} reloads finished phases and continues the interrupted one. Each
 * stage logs to its own tracker run, a child of the run ({@code stages/<stage>/} locally). The
 * result's scorer is the whole cascade ({@link CascadeScorer}); each stage's own scorer is
 * returned by name, so the runner evaluates the system and every stage, and evaluators can pin a
 * stage ({@code scorer: ranker}).
 */
public final class CascadeTrainer implements TrainingStrategy, Compatibility {
  private final List<Stage> stages;
  private final List<Phase> phases;
  private final PrintStream console;

  /** A built stage; a null model means the run's top-level model (and its sampler and loss). */
  record Stage(String name, Model model, Sampler sampler, Loss loss, PlainTrainerConfig train, int keep,
      String teacher) {}

  /** A built phase; null fields fall back to the stage's. */
  record Phase(String stage, Loss loss, Sampler sampler, String teacher, PlainTrainerConfig train) {}

  CascadeTrainer(List<Stage> stages, List<Phase> phases, PrintStream console) {
    this.stages = List.copyOf(stages);
    this.phases = List.copyOf(phases);
    this.console = console;
  }

  /** Builds every stage's and phase's components through the registry. */
  public static CascadeTrainer create(CascadeTrainerConfig c, BuildContext ctx) {
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < c.stages().size(); i++) {
      CascadeTrainerConfig.StageConfig s = c.stages().get(i);
      String p = "stages[" + i + "]";
      stages.add(new Stage(s.name(),
          s.model() == null ? null : ctx.build(Kind.MODEL, s.model(), p + ".model", Model.class),
          s.sampler() == null ? null : ctx.build(Kind.SAMPLER, s.sampler(), p + ".sampler", Sampler.class),
          s.loss() == null ? null : ctx.build(Kind.LOSS, s.loss(), p + ".loss", Loss.class),
          s.plain(), s.keep(), s.teacher()));
    }
    List<Phase> phases = new ArrayList<>();
    for (int i = 0; i < c.schedule().size(); i++) {
      CascadeTrainerConfig.PhaseConfig ph = c.schedule().get(i);
      String p = "schedule[" + i + "]";
      phases.add(new Phase(ph.stage(),
          ph.loss() == null ? null : ctx.build(Kind.LOSS, ph.loss(), p + ".loss", Loss.class),
          ph.sampler() == null ? null : ctx.build(Kind.SAMPLER, ph.sampler(), p + ".sampler", Sampler.class),
          ph.teacher(), ph.train() == null ? null : (PlainTrainerConfig) ph.train()));
    }
    return new CascadeTrainer(stages, phases, System.err);
  }

  private Stage stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /** The phase's effective loss, teacher and settings, with the run's components as last fallback. */
  private Loss loss(Phase ph, Loss runLoss) {
    Stage st = stage(ph.stage());
    return ph.loss() != null ? ph.loss() : st.loss() != null ? st.loss() : runLoss;
  }

  private Sampler sampler(Phase ph, Sampler runSampler) {
    Stage st = stage(ph.stage());
    return ph.sampler() != null ? ph.sampler() : st.sampler() != null ? st.sampler() : runSampler;
  }

  private String teacher(Phase ph) {
    String t = ph.teacher() != null ? ph.teacher() : stage(ph.stage()).teacher();
    return "none".equals(t) ? null : t;
  }

  private PlainTrainerConfig train(Phase ph) {
    return ph.train() != null ? ph.train() : stage(ph.stage()).train();
  }

  @Override
  public java.util.Set<String> stageNames() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    stages.forEach(s -> out.add(s.name()));
    return out;
  }

  @Override
  public String incompatibility(Parts parts) {
    List<String> problems = new ArrayList<>();
    boolean focus = stages.stream().anyMatch(s -> s.model() == null);
    if (!focus) {
      problems.add("Every stage of the cascade sets its own model:, so the top-level model is not trained. Omit"
          + " model: in the stage under study (it then uses the top-level model, sampler and loss).");
    }
    for (int i = 0; i < phases.size(); i++) {
      Phase ph = phases.get(i);
      Loss l = loss(ph, parts.loss());
      String where = "trainer.schedule[" + i + "] (stage " + ph.stage() + ")";
      if (l != null && l.needsTeacher() && teacher(ph) == null) {
        problems.add(where + ": the loss reads a teacher's scores but the phase has no teacher. Set teacher: on the"
            + " stage or the phase.");
      }
      PlainTrainerConfig tc = train(ph);
      if (l != null) {
        try {
          if (parts.split() != null) {
            RowModes.resolve(l, parts.split(), tc.rows(), where + " train.rows");
          } else {
            RowModes.check(l, tc.rows(), where + " train.rows");
          }
        } catch (UserException e) {
          problems.add(e.getMessage());
        }
      }
      if ("upstream".equals(tc.lists().source()) && stages.get(0).name().equals(ph.stage())) {
        problems.add(where + ": lists.source upstream takes the previous stage's top-M, but " + ph.stage()
            + " is the first stage.");
      }
      Model m = stage(ph.stage()).model() != null ? stage(ph.stage()).model() : parts.model();
      if (m != null && !m.trainable()) {
        problems.add(where + ": the stage's model has nothing to train; a cascade stage needs a tower model.");
      }
    }
    for (Stage s : stages) {
      Sampler smp = s.sampler() != null ? s.sampler() : parts.sampler();
      if (smp instanceof Compatibility c) {
        String p = c.incompatibility(parts);
        if (p != null) {
          problems.add("stage " + s.name() + ": " + p);
        }
      }
    }
    return problems.isEmpty() ? null : String.join(" ", problems);
  }

  @Override
  public TrainResult train(TrainContext ctx) {
    FeatureBatches batches = new FeatureBatches(ctx.split());
    int numItems = ctx.split().dataset().numItems();
    Map<String, Model> models = new LinkedHashMap<>();
    Map<String, Params> params = new LinkedHashMap<>();
    Map<String, TowerScorer> scorers = new LinkedHashMap<>();
    Map<String, Tracker> trackers = new LinkedHashMap<>();
    Map<String, Integer> epochsOf = new LinkedHashMap<>();
    String focus = null;
    // where each loss with weights keeps them: its Params root and name prefix
    Map<Loss, Params> lossRoot = new java.util.IdentityHashMap<>();
    Map<Loss, String> lossPrefix = new java.util.IdentityHashMap<>();
    lossRoot.put(ctx.loss(), ctx.params());
    lossPrefix.put(ctx.loss(), "loss.");
    for (Stage s : stages) {
      Params p;
      if (s.model() == null) {
        focus = s.name();
        models.put(s.name(), ctx.model());
        p = ctx.params();
      } else {
        p = new Params(ctx.manager(), ctx.seeds().stream("init.stage." + s.name()));
        s.model().initialize(new InitContext(p.scope("model"), ctx.split(), null));
        models.put(s.name(), s.model());
      }
      params.put(s.name(), p);
      if (s.loss() != null && !lossRoot.containsKey(s.loss())) {
        String scope = s.model() == null ? "stage-" + s.name() + ".loss" : "loss";
        if (s.loss() instanceof Parameterized pl) {
          pl.initialize(new InitContext(scope(p, scope), ctx.split(), null));
        }
        lossRoot.put(s.loss(), p);
        lossPrefix.put(s.loss(), scope + ".");
      }
      scorers.put(s.name(), new TowerScorer(models.get(s.name()), batches, numItems, ctx.manager()));
      epochsOf.put(s.name(), 0);
    }
    for (int i = 0; i < phases.size(); i++) {
      Phase ph = phases.get(i);
      if (ph.loss() != null && !lossRoot.containsKey(ph.loss())) {
        Params p = params.get(ph.stage());
        String scope = "phase-" + i + ".loss";
        if (ph.loss() instanceof Parameterized pl) {
          pl.initialize(new InitContext(scope(p, scope), ctx.split(), null));
        }
        lossRoot.put(ph.loss(), p);
        lossPrefix.put(ph.loss(), scope + ".");
      }
    }

    long started = System.nanoTime();
    int epochsRun = 0;
    TrainResult focusResult = null;
    Map<String, Double> stats = new LinkedHashMap<>();
    try {
      for (int i = 0; i < phases.size(); i++) {
        Phase ph = phases.get(i);
        Stage st = stage(ph.stage());
        PlainTrainerConfig tc = train(ph);
        Loss loss = loss(ph, ctx.loss());
        Sampler sampler = sampler(ph, ctx.sampler());
        String teacherName = teacher(ph);
        Map<String, NDArray> checkpointed = prefixed(params.get(st.name()).all(), "model.");
        Map<String, NDArray> trainable = prefixed(params.get(st.name()).trainable(), "model.");
        // the weights of the loss this phase trains with, wherever they were created
        checkpointed.putAll(prefixed(lossRoot.get(loss).all(), lossPrefix.get(loss)));
        trainable.putAll(prefixed(lossRoot.get(loss).trainable(), lossPrefix.get(loss)));
        Path dir = ctx.runDir().resolve("checkpoints").resolve(i + "-" + st.name());
        Tracker tracker = trackers.computeIfAbsent(st.name(), n -> ctx.services().stageTracker(n));
        TrainResult r;
        if (ctx.resume() && Files.exists(dir.resolve("done.ckpt"))) {
          Checkpoint done = EpochLoop.read(dir.resolve("done.ckpt"));
          for (Map.Entry<String, NDArray> e : checkpointed.entrySet()) {
            float[] v = done.arrays.get("param:" + e.getKey());
            if (v == null) {
              throw new UserException("The checkpoint " + dir.resolve("done.ckpt") + " does not hold '" + e.getKey()
                  + "'; the config changed since it was written. Run without --resume.");
            }
            Tensors.overwrite(e.getValue(), v);
          }
          scorers.get(st.name()).refresh();
          int ep = readEpochs(done.state);
          r = new TrainResult(ep, ep, Double.NaN, Map.of());
          console.printf(Locale.ROOT, "phase %d/%d: %s done (resumed)%n", i + 1, phases.size(), st.name());
        } else {
          console.printf(Locale.ROOT, "phase %d/%d: %s%s%n", i + 1, phases.size(), st.name(),
              teacherName == null ? "" : " taught by " + teacherName);
          TrainingRows rows = RowModes.resolve(loss, ctx.split(), tc.rows(), "trainer.schedule[" + i + "] train.rows");
          TrainingSamplerContext samplerCtx = new TrainingSamplerContext(ctx.split(), scorers.get(st.name()),
              ctx.manager());
          TrainStep.Builder b = TrainStep.builder(models.get(st.name()), ctx.split())
              .setLoss(loss)
              .optRows(rows)
              .optSampler(sampler, samplerCtx)
              .optBatches(batches)
              .optIpw(tc.ipw(), tc.ipwClip());
          if (teacherName != null) {
            b.optTeacher(models.get(teacherName));
          }
          if (rows == TrainingRows.LISTS) {
            int pos = stages.indexOf(st);
            Scorer upstream = pos > 0 ? scorers.get(stages.get(pos - 1).name()) : null;
            int keep = pos > 0 ? stages.get(pos - 1).keep() : 0;
            b.optLists(ListSources.create(tc.lists(), ctx.split(), sampler, samplerCtx, upstream, keep,
                "trainer.schedule[" + i + "] train.lists"));
          }
          r = EpochLoop.run(new EpochLoop.Spec(st.name(), b.build(), checkpointed, trainable, tc,
              scorers.get(st.name()), scorers.get(st.name()), ctx.evaluators(), ctx.split(), ctx.seeds(),
              "stage." + st.name() + ".phase-" + i + ".",
              tracker, dir, ctx.resume(), ctx.manager(), console, epochsOf.get(st.name())));
          writeDone(dir, checkpointed, r.epochsRun());
        }
        epochsOf.merge(st.name(), r.epochsRun(), Integer::sum);
        epochsRun += r.epochsRun();
        stats.put("train/" + st.name() + "/phase-" + i + "/best-epoch", (double) r.bestEpoch());
        r.stats().forEach((k, v) -> stats.merge(k.replace("train/", "train/" + st.name() + "/"), v, Double::sum));
        if (st.name().equals(focus)) {
          focusResult = r;
        }
      }
    } catch (RuntimeException e) {
      trackers.values().forEach(t -> {
        t.finish("FAILED");
        t.close();
      });
      scorers.values().forEach(TowerScorer::close);
      throw e;
    }
    trackers.values().forEach(t -> {
      t.finish("FINISHED");
      t.close();
    });
    stats.put("train/seconds", (System.nanoTime() - started) / 1e9);
    for (Stage s : stages) {
      long n = 0;
      for (Map.Entry<String, NDArray> e : params.get(s.name()).all().entrySet()) {
        n += e.getKey().startsWith("model.") ? e.getValue().size() : 0;
      }
      stats.put("cost/" + s.name() + "/parameters", (double) n);
    }
    List<Scorer> order = new ArrayList<>();
    int[] keeps = new int[stages.size()];
    for (int i = 0; i < stages.size(); i++) {
      order.add(scorers.get(stages.get(i).name()));
      keeps[i] = stages.get(i).keep();
    }
    Map<String, Scorer> named = new LinkedHashMap<>(scorers);
    int bestEpoch = focusResult == null ? 0 : focusResult.bestEpoch();
    double best = focusResult == null ? Double.NaN : focusResult.bestValidation();
    return new TrainResult(epochsRun, bestEpoch, best, stats, new CascadeScorer(order, keeps), named);
  }

  private static Params scope(Params p, String dotted) {
    Params out = p;
    for (String part : dotted.split("\\.")) {
      out = out.scope(part);
    }
    return out;
  }

  /** The arrays whose names start with {@code prefix}, in order. */
  private static Map<String, NDArray> prefixed(Map<String, NDArray> all, String prefix) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static int readEpochs(String state) {
    try {
      return Mappers.JSON.readTree(state).path("epochs").asInt(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void writeDone(Path dir, Map<String, NDArray> arrays, int epochs) {
    Map<String, float[]> named = new LinkedHashMap<>();
    arrays.forEach((k, v) -> named.put("param:" + k, v.toFloatArray()));
    try {
      new Checkpoint("{\"epochs\":" + epochs + "}", named).write(dir.resolve("done.ckpt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
