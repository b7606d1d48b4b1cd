package org.towerlab.trainers;

import java.io.PrintStream;
import java.util.Map;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Model;
import org.towerlab.api.train.TrainContext;
import org.towerlab.api.train.TrainResult;
import org.towerlab.api.train.TrainingStrategy;

/**
 * The plain strategy: one model, one {@link TrainStep} per mini-batch, AdamW, early stopping on a
 * validation metric, checkpoints and resume ({@link EpochLoop}). Which rows train the loss is
 * {@code trainer.rows} or the loss's own choice ({@link RowModes}).
 */
public final class PlainTrainer implements TrainingStrategy, org.towerlab.api.Compatibility {
  private final PlainTrainerConfig config;
  private final PrintStream console;

  public PlainTrainer(PlainTrainerConfig config) {
    this(config, System.err);
  }

  public PlainTrainer(PlainTrainerConfig config, PrintStream console) {
    this.config = config;
    this.console = console;
  }

  public PlainTrainerConfig config() {
    return config;
  }

  @Override
  public String incompatibility(Parts parts) {
    if (parts.loss() != null && parts.loss().needsTeacher()) {
      return "The loss reads a teacher's scores, which the plain strategy does not have. Use trainer type distill"
          + " (with a teacher) or a cascade stage with teacher:.";
    }
    try {
      if (parts.split() != null && parts.loss() != null) {
        RowModes.resolve(parts.loss(), parts.split(), config.rows(), "trainer.rows");
      } else if (parts.loss() != null) {
        RowModes.check(parts.loss(), config.rows(), "trainer.rows");
      }
    } catch (org.towerlab.api.UserException e) {
      return e.getMessage();
    }
    return null;
  }

  /** The training step this strategy runs for {@code ctx} (also what tests drive directly). */
  public TrainStep step(TrainContext ctx, TowerScorer scorer, FeatureBatches batches) {
    TrainingSamplerContext samplerCtx = new TrainingSamplerContext(ctx.split(), scorer, ctx.manager());
    TrainingRows rows = RowModes.resolve(ctx.loss(), ctx.split(), config.rows(), "trainer.rows");
    TrainStep.Builder b = TrainStep.builder(ctx.model(), ctx.split())
        .setLoss(ctx.loss())
        .optRows(rows)
        .optSampler(ctx.sampler(), samplerCtx)
        .optBatches(batches)
        .optIpw(config.ipw(), config.ipwClip());
    if (rows == TrainingRows.LISTS) {
      b.optLists(ListSources.create(config.lists(), ctx.split(), ctx.sampler(), samplerCtx, null, 0, "trainer.lists"));
    }
    return b.build();
  }

  @Override
  public TrainResult train(TrainContext ctx) {
    Model model = ctx.model();
    if (!model.trainable() || config.epochs() == 0) {
      return new TrainResult(0, 0, Double.NaN, Map.of());
    }
    FeatureBatches batches = new FeatureBatches(ctx.split());
    try (TowerScorer scorer = new TowerScorer(model, batches, ctx.split().dataset().numItems(), ctx.manager())) {
      TrainStep step = step(ctx, scorer, batches);
      return EpochLoop.run(new EpochLoop.Spec("", step, ctx.params().all(), ctx.params().trainable(), config, scorer, scorer, ctx.evaluators(),
          ctx.split(), ctx.seeds(), "", ctx.tracker(), ctx.runDir().resolve("checkpoints"), ctx.resume(),
          ctx.manager(), console, 0));
    }
  }
}
