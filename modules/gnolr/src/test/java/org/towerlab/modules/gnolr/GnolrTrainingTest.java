package org.towerlab.modules.gnolr;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.Logs;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.trainers.AdamW;
import org.towerlab.trainers.TrainStep;

/**
 * End-to-end smoke run on a logged impression log with ordered feedback: users and items in 4
 * taste groups, an impression of a same-group item is clicked with probability 0.7 (else 0.1),
 * liked after a click with 0.6 (else 0.2) and shared after a like with 0.5 (else 0.1). Both
 * {@code gnolr} towers, the {@code gnolr} interaction and the nested loss, trained on the logged
 * rows by the public {@link TrainStep} with AdamW.
 */
class GnolrTrainingTest {
  private static final int USERS = 40;
  private static final int ITEMS = 32;
  private static final int GROUPS = 4;

  static Split impressions(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] q = new int[rows];
    int[] it = new int[rows];
    float[] click = new float[rows];
    float[] like = new float[rows];
    float[] share = new float[rows];
    for (int r = 0; r < rows; r++) {
      q[r] = rng.nextInt(USERS);
      it[r] = rng.nextInt(ITEMS);
      boolean match = q[r] % GROUPS == it[r] % GROUPS;
      click[r] = rng.nextDouble() < (match ? 0.7 : 0.1) ? 1 : 0;
      like[r] = click[r] > 0 && rng.nextDouble() < (match ? 0.6 : 0.2) ? 1 : 0;
      share[r] = like[r] > 0 && rng.nextDouble() < (match ? 0.5 : 0.1) ? 1 : 0;
    }
    long[] ts = new long[rows];
    for (int r = 0; r < rows; r++) {
      ts[r] = r;
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("positive", click);
    labels.put("click", click);
    labels.put("like", like);
    labels.put("share", share);
    boolean[] shown = new boolean[rows];
    java.util.Arrays.fill(shown, true);
    InteractionLog log = new InteractionLog(q, it, ts, labels, shown, null, null);
    int[] group = new int[USERS];
    for (int u = 0; u < USERS; u++) {
      group[u] = u % GROUPS;
    }
    int[] genre = new int[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      genre[i] = i % GROUPS;
    }
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, USERS),
        FieldSpec.categorical("group", Side.QUERY, GROUPS), FieldSpec.categorical("id", Side.ITEM, ITEMS),
        FieldSpec.categorical("genre", Side.ITEM, GROUPS)));
    Dataset ds = new Dataset("impressions", QueryKind.USER, schema,
        FeatureTable.builder(Side.QUERY, USERS).categorical("group", group).build(),
        FeatureTable.builder(Side.ITEM, ITEMS).categorical("genre", genre).build(), log, genre, Map.of(), null);
    InteractionLog positives = Logs.positives(log);
    return new Split("impressions", Map.of(), ds, positives, positives, positives,
        new Split.Logged(log, log, log), "positive");
  }

  @Test
  void training_fewEpochsOnImpressions_lossDecreasesAndDeepLevelsRankSameGroupItemsFirst() {
    Split split = impressions(1600, 7);
    int batch = 200;
    int epochs = 10;
    try (NDManager manager = NDManager.newBaseManager()) {
      GnolrTowerConfig towers = new GnolrTowerConfig(3, 8, List.of(16), null, 8, null, null, null);
      GnolrInteraction interaction = new GnolrInteraction(new GnolrInteractionConfig(null, List.of(4.0, 0.5, 0.5)));
      KitModel model = new KitModel(new GnolrTower(towers, null, "$.model.query-tower"),
          new GnolrTower(towers, null, "$.model.item-tower"), interaction);
      GnolrLoss loss = new GnolrLoss(new GnolrLossConfig(null, null, null, null, null, null, null, null), "$.loss");
      TestParams params = new TestParams(manager, 1);
      model.initialize(params.model(split));
      loss.initialize(params.loss(split));
      TrainStep step = TrainStep.builder(model, split).setLoss(loss).build();
      assertThat(step.rows()).isEqualTo(TrainingRows.LOGGED);
      AdamW adam = new AdamW(params.all(), manager, 0.01, 0, 0);
      List<Double> epochLoss = new ArrayList<>();
      long s = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        double sum = 0;
        int count = 0;
        for (int start = 0; start + batch <= step.size(); start += batch) {
          int[] rows = new int[batch];
          for (int i = 0; i < batch; i++) {
            rows[i] = start + i;
          }
          TrainStep.Result r = step.run(rows, epoch, s, new SplittableRandom(s), new SplittableRandom(s), manager);
          s++;
          assertThat(r.loss()).isFinite();
          sum += r.loss();
          count++;
          adam.step();
        }
        epochLoss.add(sum / count);
      }
      assertThat(epochLoss.get(epochs - 1)).isLessThan(epochLoss.get(0) * 0.9);
      try (NDManager bm = manager.newSubManager()) {
        TowerOutput q = model.queryTower().encode(Batches.of(split).build(Side.QUERY, Batches.range(USERS), bm),
            Forwards.inference(bm));
        TowerOutput v = model.itemTower().encode(Batches.of(split).build(Side.ITEM, Batches.range(ITEMS), bm),
            Forwards.inference(bm));
        for (String level : interaction.tasks()) {
          NDArray scores = interaction.scoreAll(level, q, v, Forwards.inference(bm)); // [USERS, ITEMS]
          float[] f = scores.toFloatArray();
          double same = 0;
          double other = 0;
          for (int u = 0; u < USERS; u++) {
            for (int i = 0; i < ITEMS; i++) {
              if (u % GROUPS == i % GROUPS) {
                same += f[u * ITEMS + i];
              } else {
                other += f[u * ITEMS + i];
              }
            }
          }
          int sameCount = USERS * ITEMS / GROUPS;
          assertThat(same / sameCount).as(level).isGreaterThan(other / (USERS * ITEMS - sameCount) + 0.5);
        }
      }
    }
  }
}
