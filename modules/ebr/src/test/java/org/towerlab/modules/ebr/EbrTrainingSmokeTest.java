package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.ItemIndex;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.Logs;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.FeatureBatches;
import org.towerlab.trainers.TowerScorer;
import org.towerlab.trainers.TrainStep;
import org.towerlab.trainers.TrainingSamplerContext;

/**
 * End to end on a small hand-built split (4 taste groups of 10 items; each user likes 6 items of
 * its group): id towers, cosine at temperature 1 (the weighted-concat ensemble with one weight), the
 * EBR samplers and the hinge loss, trained by the public {@link TrainStep} with the trainer's own
 * sampler context and AdamW.
 */
class EbrTrainingSmokeTest {
  private static final int USERS = 40;
  private static final int ITEMS = 40;

  private final int[] trainQ;
  private final int[] trainI;

  EbrTrainingSmokeTest() {
    SplittableRandom rng = new SplittableRandom(5);
    List<int[]> rows = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      int g = u % 4;
      int[] items = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
      for (int i = 9; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = items[i];
        items[i] = items[j];
        items[j] = t;
      }
      for (int k = 0; k < 6; k++) {
        rows.add(new int[] {u, g * 10 + items[k]});
      }
    }
    trainQ = rows.stream().mapToInt(r -> r[0]).toArray();
    trainI = rows.stream().mapToInt(r -> r[1]).toArray();
  }

  /** One model and the trainer's context on one manager. */
  private final class Run implements AutoCloseable {
    final NDManager manager = NDManager.newBaseManager();
    final Split split = Splits.idsOnly(USERS, ITEMS, Logs.pairs(trainQ, trainI));
    final KitModel model = new KitModel(KitTower.idOnly(8, 0.5), KitTower.idOnly(8, 0.5),
        new WeightedConcatInteraction(new WeightedConcatInteractionConfig(List.of(1.0)), "$.model.interaction"));
    final TestParams params = new TestParams(manager, 1);
    final FeatureBatches batches = new FeatureBatches(split);
    final TowerScorer scorer;
    final TrainingSamplerContext context;

    Run() {
      model.initialize(params.model(split));
      scorer = new TowerScorer(model, batches, ITEMS, manager);
      context = new TrainingSamplerContext(split, scorer, manager);
    }

    /** The per-step losses of {@code epochs} epochs of batches of 32. */
    float[] train(Sampler sampler, Loss loss, int epochs) {
      TrainStep step = TrainStep.builder(model, split).setLoss(loss).optRows(TrainingRows.POSITIVES)
          .optSampler(sampler, context).optBatches(batches).build();
      AdamW adam = new AdamW(params.all(), manager, 0.05, 0, 0);
      Seeds seeds = new Seeds(3);
      List<Float> losses = new ArrayList<>();
      long s = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        int[] order = Seeds.permutation(step.size(), seeds.stream("shuffle-" + epoch));
        for (int start = 0; start + 32 <= order.length; start += 32) {
          TrainStep.Result r = step.run(Arrays.copyOfRange(order, start, start + 32), epoch, s,
              seeds.stream("sampler-" + s), seeds.stream("noise-" + s), manager);
          adam.step();
          scorer.invalidateQueries();
          losses.add((float) r.loss());
          s++;
        }
      }
      float[] out = new float[losses.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = losses.get(i);
      }
      return out;
    }

    @Override
    public void close() {
      scorer.close();
      manager.close();
    }
  }

  private static double mean(float[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  @Test
  void onlineHardWithHinge_trainsToAFiniteDecreasingLoss() {
    try (Run run = new Run()) {
      float[] losses = run.train(new OnlineHardSampler(new OnlineHardSamplerConfig(2, 8, true)),
          new HingeLoss(new HingeLossConfig(0.5, "mean")), 12);
      for (float l : losses) {
        assertThat(Float.isFinite(l)).isTrue();
      }
      assertThat(mean(losses, losses.length - 7, losses.length)).isLessThan(0.6 * mean(losses, 0, 7));
    }
  }

  @Test
  void offlineHardWithHinge_trainsToAFiniteDecreasingLoss() {
    try (Run run = new Run()) {
      OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(5, 20, 1, 10.0, 1, 1, null, null, null);
      float[] losses = run.train(new OfflineHardSampler(c, "$.sampler"),
          new HingeLoss(new HingeLossConfig(0.5, "mean")), 12);
      for (float l : losses) {
        assertThat(Float.isFinite(l)).isTrue();
      }
      assertThat(mean(losses, losses.length - 7, losses.length)).isLessThan(0.6 * mean(losses, 0, 7));
    }
  }

  @Test
  void offlineHard_minedNegativesOfATrainedModel_areNeverKnownPositives() {
    try (Run run = new Run()) {
      OfflineHardSamplerConfig c = new OfflineHardSamplerConfig(2, 12, 3, 0.0, 1, 0, null, null, null);
      run.train(new OnlineHardSampler(new OnlineHardSamplerConfig(2, 8, true)),
          new HingeLoss(new HingeLossConfig(0.5, "mean")), 6);
      long[] queries = new long[USERS];
      Arrays.setAll(queries, i -> i);
      Negatives n = new OfflineHardSampler(c, "$.sampler").sample(
          new SampleRequest(queries, new long[USERS], 0, 0, new SplittableRandom(9)), run.context);
      ItemIndex index = run.context.index();
      long[][] window = index.ranked(queries, 1, 12);
      int valid = 0;
      for (int u = 0; u < USERS; u++) {
        for (int j = 0; j < 3; j++) {
          if (n.perQueryMask()[u][j]) {
            long item = n.perQuery()[u][j];
            assertThat(run.context.isKnownPositive(u, item)).as("query %d, mined item %d", u, item).isFalse();
            assertThat(window[u]).contains(item);
            valid++;
          }
        }
      }
      assertThat(valid).isPositive();
    }
  }
}
