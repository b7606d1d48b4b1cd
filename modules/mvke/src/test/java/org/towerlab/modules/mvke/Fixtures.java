package org.towerlab.modules.mvke;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.testkit.Logs;

/** Small MVKE configs and a seeded impression log with two tasks' labels. */
final class Fixtures {
  private Fixtures() {}

  /** K = 3 kernels of width 8; task a over {0, 1}, task b over {1, 2} (kernel 1 shared). */
  static MvkeModelConfig config(boolean sharedTower, double initStd) {
    return new MvkeModelConfig(8, 3, initStd, null, null, List.of(6), sharedTower, List.of(6),
        List.of(new MvkeTaskConfig("a", List.of(0, 1)), new MvkeTaskConfig("b", List.of(1, 2))), null, initStd, null);
  }

  /**
   * Impressions of 60 users (field {@code group} = u % 3, {@code age} = u % 4) on 24 items (field
   * {@code genre} = i % 3, {@code year} = i % 5): each user sees 12 random items; {@code click} with
   * probability 0.8 when the genre is the user's group, else 0.15; {@code like} = click and, with
   * probability 0.7 for even items and 0.1 for odd ones, liked. Rows are cut 8:1:1 at random; the
   * logged parts hold every row, the positive parts the clicked ones. Labels: positive (= click),
   * click, like.
   */
  static Split impressions(long seed) {
    int users = 60;
    int items = 24;
    int per = 12;
    SplittableRandom rng = new SplittableRandom(seed);
    int n = users * per;
    int[] q = new int[n];
    int[] it = new int[n];
    long[] ts = new long[n];
    float[] click = new float[n];
    float[] like = new float[n];
    int[] part = new int[n];
    for (int r = 0; r < n; r++) {
      q[r] = r / per;
      it[r] = rng.nextInt(items);
      ts[r] = r;
      boolean match = it[r] % 3 == q[r] % 3;
      click[r] = rng.nextDouble() < (match ? 0.8 : 0.15) ? 1f : 0f;
      like[r] = click[r] > 0 && rng.nextDouble() < (it[r] % 2 == 0 ? 0.7 : 0.1) ? 1f : 0f;
      double p = rng.nextDouble();
      part[r] = p < 0.8 ? 0 : p < 0.9 ? 1 : 2;
    }
    InteractionLog all = log(q, it, ts, click, like, null);
    InteractionLog[] parts = new InteractionLog[3];
    for (int k = 0; k < 3; k++) {
      boolean[] keep = new boolean[n];
      for (int r = 0; r < n; r++) {
        keep[r] = part[r] == k;
      }
      parts[k] = all.filter(keep);
    }
    Schema schema = new Schema(List.of(
        FieldSpec.categorical("id", Side.QUERY, users),
        FieldSpec.categorical("group", Side.QUERY, 3),
        FieldSpec.categorical("age", Side.QUERY, 4),
        FieldSpec.categorical("id", Side.ITEM, items),
        FieldSpec.categorical("genre", Side.ITEM, 3),
        FieldSpec.categorical("year", Side.ITEM, 5)));
    int[] group = new int[users];
    int[] age = new int[users];
    for (int u = 0; u < users; u++) {
      group[u] = u % 3;
      age[u] = u % 4;
    }
    int[] genre = new int[items];
    int[] year = new int[items];
    for (int i = 0; i < items; i++) {
      genre[i] = i % 3;
      year[i] = i % 5;
    }
    Dataset ds = new Dataset("impressions", QueryKind.USER, schema,
        FeatureTable.builder(Side.QUERY, users).categorical("group", group).categorical("age", age).build(),
        FeatureTable.builder(Side.ITEM, items).categorical("genre", genre).categorical("year", year).build(), all,
        genre, Map.of(), null);
    return new Split("ctr", Map.of(), ds, Logs.positives(parts[0]), Logs.positives(parts[1]),
        Logs.positives(parts[2]), new Split.Logged(parts[0], parts[1], parts[2]), "positive");
  }

  private static InteractionLog log(int[] q, int[] it, long[] ts, float[] click, float[] like, boolean[] exposed) {
    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("positive", click.clone());
    labels.put("click", click);
    labels.put("like", like);
    boolean[] shown = exposed != null ? exposed : new boolean[q.length];
    if (exposed == null) {
      java.util.Arrays.fill(shown, true);
    }
    return new InteractionLog(q, it, ts, labels, shown, null, null);
  }
}
