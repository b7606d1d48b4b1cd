package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.towerlab.api.Compatibility;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
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
 * Knowledge distillation: a teacher model (built from config and trained first in this run, or
 * loaded from an earlier run directory) scores every candidate of the student's training steps
 * (detached: no gradient reaches it), and the student's loss reads those scores ({@code teacher} {@code [B, 1 + C]}, or
 * {@code listTeacher} for lists), for example {@code distill-kl} mixed with the hard-label loss by
 * {@code weighted-sum}. The student is the run's model; the teacher is evaluated too (metrics
 * {@code test/teacher/...}) and logged as a child run {@code teacher}.
 */
public final class DistillTrainer implements TrainingStrategy, Compatibility {
  private final DistillTrainerConfig config;
  private final Model teacherModel;
  private final Sampler teacherSampler;
  private final Loss teacherLoss;
  private final PrintStream console;
  private long teacherParameters;

  DistillTrainer(DistillTrainerConfig config, Model teacherModel, Sampler teacherSampler, Loss teacherLoss,
      PrintStream console) {
    this.config = config;
    this.teacherModel = teacherModel;
    this.teacherSampler = teacherSampler;
    this.teacherLoss = teacherLoss;
    this.console = console;
  }

  public static DistillTrainer create(DistillTrainerConfig c, BuildContext ctx) {
    DistillTrainerConfig.TeacherConfig t = c.teacher();
    return new DistillTrainer(c,
        t.model() == null ? null : ctx.build(Kind.MODEL, t.model(), "teacher.model", Model.class),
        t.sampler() == null ? null : ctx.build(Kind.SAMPLER, t.sampler(), "teacher.sampler", Sampler.class),
        t.loss() == null ? null : ctx.build(Kind.LOSS, t.loss(), "teacher.loss", Loss.class), System.err);
  }

  @Override
  public java.util.Set<String> stageNames() {
    return java.util.Set.of("teacher");
  }

  @Override
  public String incompatibility(Parts parts) {
    if (parts.loss() != null && !parts.loss().needsTeacher()) {
      return "trainer.type distill gives the student's loss a teacher's scores, but the loss does not read them."
          + " Use distill-kl or distill-mse (alone or in a weighted-sum with the hard-label loss).";
    }
    Loss tl = teacherLoss != null ? teacherLoss : parts.loss();
    if (config.teacher().model() != null && tl != null && tl.needsTeacher()) {
      return "The teacher trains with a loss that needs a teacher itself; set trainer.teacher.loss (for example"
          + " {type: bce} or {type: sampled-softmax}).";
    }
    try {
      if (parts.loss() != null) {
        if (parts.split() != null) {
          RowModes.resolve(parts.loss(), parts.split(), config.plain().rows(), "trainer.train.rows");
        } else {
          RowModes.check(parts.loss(), config.plain().rows(), "trainer.train.rows");
        }
      }
      if (config.teacher().from() != null) {
        Path dir = Path.of(config.teacher().from());
        for (String f : new String[] {"effective-config.yaml", "checkpoints/best.ckpt"}) {
          if (!Files.isRegularFile(dir.resolve(f))) {
            return "trainer.teacher.from: " + dir + " has no " + f + "; point it at a finished run's directory.";
          }
        }
      }
    } catch (UserException e) {
      return e.getMessage();
    }
    return null;
  }

  @Override
  public TrainResult train(TrainContext ctx) {
    FeatureBatches batches = new FeatureBatches(ctx.split());
    int numItems = ctx.split().dataset().numItems();
    Model teacher;
    TowerScorer teacherScorer;
    if (config.teacher().from() != null) {
      teacher = load(ctx, Path.of(config.teacher().from()));
      teacherScorer = new TowerScorer(teacher, batches, numItems, ctx.manager());
    } else {
      teacher = teacherModel;
      teacherScorer = trainTeacher(ctx, batches, numItems);
    }
    PlainTrainerConfig tc = config.plain();
    try (TowerScorer scorer = new TowerScorer(ctx.model(), batches, numItems, ctx.manager())) {
      TrainingSamplerContext samplerCtx = new TrainingSamplerContext(ctx.split(), scorer, ctx.manager());
      TrainingRows rows = RowModes.resolve(ctx.loss(), ctx.split(), tc.rows(), "trainer.train.rows");
      TrainStep.Builder b = TrainStep.builder(ctx.model(), ctx.split()).setLoss(ctx.loss()).optRows(rows)
          .optSampler(ctx.sampler(), samplerCtx).optBatches(batches).optIpw(tc.ipw(), tc.ipwClip())
          .optTeacher(teacher);
      if (rows == TrainingRows.LISTS) {
        b.optLists(ListSources.create(tc.lists(), ctx.split(), ctx.sampler(), samplerCtx, null, 0, "trainer.train.lists"));
      }
      console.println("student, taught by the teacher");
      TrainResult r = EpochLoop.run(new EpochLoop.Spec("", b.build(), ctx.params().all(), ctx.params().trainable(), tc,
          scorer, scorer, ctx.evaluators(), ctx.split(), ctx.seeds(), "", ctx.tracker(),
          ctx.runDir().resolve("checkpoints"), ctx.resume(), ctx.manager(), console, 0));
      Map<String, Double> stats = new LinkedHashMap<>(r.stats());
      stats.put("cost/teacher/parameters", (double) teacherParameters);
      return new TrainResult(r.epochsRun(), r.bestEpoch(), r.bestValidation(), stats, null,
          Map.of("teacher", teacherScorer));
    } catch (RuntimeException e) {
      teacherScorer.close();
      throw e;
    }
  }

  private TowerScorer trainTeacher(TrainContext ctx, FeatureBatches batches, int numItems) {
    Params p = new Params(ctx.manager(), ctx.seeds().stream("init.teacher"));
    teacherModel.initialize(new InitContext(p.scope("model"), ctx.split(), null));
    teacherParameters = p.count();
    Loss loss = teacherLoss != null ? teacherLoss : ctx.loss();
    Params lossHome = teacherLoss != null ? p : ctx.params();
    if (teacherLoss instanceof Parameterized pl) {
      pl.initialize(new InitContext(p.scope("loss"), ctx.split(), null));
    }
    Sampler sampler = teacherSampler != null ? teacherSampler : ctx.sampler();
    Map<String, NDArray> checkpointed = new LinkedHashMap<>();
    Map<String, NDArray> trainable = new LinkedHashMap<>();
    p.all().forEach((k, v) -> checkpointed.put(k, v));
    p.trainable().forEach((k, v) -> trainable.put(k, v));
    if (teacherLoss == null) {
      lossHome.all().forEach((k, v) -> {
        if (k.startsWith("loss.")) {
          checkpointed.put(k, v);
        }
      });
      lossHome.trainable().forEach((k, v) -> {
        if (k.startsWith("loss.")) {
          trainable.put(k, v);
        }
      });
    }
    TowerScorer scorer = new TowerScorer(teacherModel, batches, numItems, ctx.manager());
    PlainTrainerConfig tc = config.teacher().plain();
    Path dir = ctx.runDir().resolve("checkpoints").resolve("teacher");
    Tracker tracker = ctx.services().stageTracker("teacher");
    try {
      if (ctx.resume() && Files.exists(dir.resolve("done.ckpt"))) {
        Checkpoint done = EpochLoop.read(dir.resolve("done.ckpt"));
        checkpointed.forEach((k, v) -> Tensors.overwrite(v, done.arrays.get("param:" + k)));
        scorer.refresh();
        console.println("teacher: done (resumed)");
      } else {
        console.println("teacher");
        TrainingSamplerContext samplerCtx = new TrainingSamplerContext(ctx.split(), scorer, ctx.manager());
        TrainingRows rows = RowModes.resolve(loss, ctx.split(), tc.rows(), "trainer.teacher.train.rows");
        TrainStep.Builder b = TrainStep.builder(teacherModel, ctx.split()).setLoss(loss).optRows(rows)
            .optSampler(sampler, samplerCtx).optBatches(batches).optIpw(tc.ipw(), tc.ipwClip());
        if (rows == TrainingRows.LISTS) {
          b.optLists(ListSources.create(tc.lists(), ctx.split(), sampler, samplerCtx, null, 0,
              "trainer.teacher.train.lists"));
        }
        EpochLoop.run(new EpochLoop.Spec("teacher", b.build(), checkpointed, trainable, tc, scorer, scorer,
            ctx.evaluators(), ctx.split(), ctx.seeds(), "teacher.", tracker, dir, ctx.resume(), ctx.manager(),
            console, 0));
        Map<String, float[]> named = new LinkedHashMap<>();
        checkpointed.forEach((k, v) -> named.put("param:" + k, v.toFloatArray()));
        new Checkpoint("{}", named).write(dir.resolve("done.ckpt"));
      }
      tracker.finish("FINISHED");
    } catch (IOException e) {
      tracker.finish("FAILED");
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      tracker.finish("FAILED");
      scorer.close();
      throw e;
    } finally {
      tracker.close();
    }
    return scorer;
  }

  /**
   * The teacher of an earlier run: its model section, built as that run built it, with the weights of
   * its best epoch. Refused when that run used other data files, another protocol or another seed:
   * its training rows could then hold this run's validation or test rows.
   */
  private Model load(TrainContext ctx, Path dir) {
    ObjectMapper yaml = Mappers.YAML;
    JsonNode cfg;
    try {
      cfg = yaml.readTree(dir.resolve("effective-config.yaml").toFile());
    } catch (IOException e) {
      throw new UserException("trainer.teacher.from: cannot read " + dir.resolve("effective-config.yaml") + " ("
          + e.getMessage() + ").");
    }
    long seed = cfg.path("seed").asLong(Long.MIN_VALUE);
    String protocol = cfg.path("data").path("protocol").path("type").asText("");
    if (seed != ctx.seeds().root() || !protocol.equals(ctx.split().protocol())) {
      throw new UserException("trainer.teacher.from: the run in " + dir + " was trained with seed " + seed
          + " and protocol '" + protocol + "', this run uses seed " + ctx.seeds().root() + " and protocol '"
          + ctx.split().protocol() + "'. Its training rows may include this run's test rows, so it cannot teach"
          + " here. Train the teacher with the same data, protocol and seed, or in this run (teacher.model).");
    }
    JsonNode prov = readJson(dir.resolve("provenance.json"));
    JsonNode files = prov == null ? null : prov.path("data");
    Map<String, String> now = ctx.split().dataset().files();
    if (files != null && files.isObject()) {
      for (Map.Entry<String, String> e : now.entrySet()) {
        JsonNode then = files.get(e.getKey());
        String nowHash = e.getValue().split(";")[0].replace("sha256:", "");
        if (then != null && !then.toString().contains(nowHash)) {
          throw new UserException("trainer.teacher.from: the data file " + e.getKey() + " changed since the run in "
              + dir + " trained the teacher. Retrain the teacher on the current data.");
        }
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> section = yaml.convertValue(cfg.get("model"), Map.class);
    Model teacher = ctx.services().build(Kind.MODEL, section, "$.trainer.teacher.from(" + dir + ").model", Model.class);
    Params p = new Params(ctx.manager(), ctx.seeds().stream("init.teacher"));
    teacher.initialize(new InitContext(p.scope("model"), ctx.split(), null));
    teacherParameters = p.count();
    Checkpoint best = EpochLoop.read(dir.resolve("checkpoints").resolve("best.ckpt"));
    for (Map.Entry<String, NDArray> e : p.all().entrySet()) {
      float[] v = best.arrays.get("param:" + e.getKey());
      if (v == null || v.length != e.getValue().size()) {
        throw new UserException("trainer.teacher.from: " + dir.resolve("checkpoints/best.ckpt") + " has no weights"
            + " of the right shape for '" + e.getKey() + "'; the run's model and its checkpoint disagree.");
      }
      Tensors.overwrite(e.getValue(), v);
    }
    console.println("teacher: loaded from " + dir);
    return teacher;
  }

  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return Mappers.JSON.readTree(file.toFile());
    } catch (IOException e) {
      return null;
    }
  }
}
