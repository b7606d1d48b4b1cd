package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * The Coat debiasing protocol (Schnabel et al., ICML 2016): train on the self-selected ratings
 * (label {@code random} = 0) minus a per-user validation share (stream {@code data.split}, at least
 * one row kept in train), test on the ratings of uniformly random exposed items ({@code random} =
 * 1). Needs a {@code random} label; works for any data set that has one. The positives are the
 * ratings at or above {@code min-rating}; the logged rows ({@link Split#logged()}) are every
 * rating, so that pointwise losses and AUC see the low ratings as negatives (the self-selected
 * low ratings are assigned to train or valid with their own stream, {@code data.split.logged}).
 */
public final class CoatRandomTest implements Protocol {
  private final CoatRandomTestConfig config;

  public CoatRandomTest(CoatRandomTestConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "coat-random-test";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    if (!log.hasLabel("random")) {
      throw new UserException("Protocol 'coat-random-test' needs a label 'random' (1 = randomly exposed test"
          + " rating), but data set '" + data.name() + "' has " + log.labelNames() + ". Use it with data type 'coat'.");
    }
    String label = ProtocolSupport.label(log, config.label(), name());
    float[] positive = ProtocolSupport.positives(log, label, config.minRating());
    boolean[] keep = ProtocolSupport.shown(log);
    for (int r = 0; r < keep.length; r++) {
      keep[r] &= positive[r] > 0;
    }
    int[] rows = ProtocolSupport.kCore(data, ProtocolSupport.rows(keep), positive, config.kCore());
    float[] random = log.label("random");
    int[] self = Arrays.stream(rows).filter(r -> random[r] == 0f).toArray();
    int[] test = Arrays.stream(rows).filter(r -> random[r] != 0f).toArray();
    double[] ratios = {1 - config.validRatio(), config.validRatio()};
    SplittableRandom rng = seeds.stream("data.split");
    int[] train = new int[self.length];
    int[] valid = new int[self.length];
    int nt = 0;
    int nv = 0;
    for (int[] g : ProtocolSupport.byQuery(log, self, data.numQueries())) {
      ProtocolSupport.shuffle(g, rng);
      int[] cnt = ProtocolSupport.splitCounts(g.length, ratios);
      for (int k = 0; k < g.length; k++) {
        if (k < cnt[0]) {
          train[nt++] = g[k];
        } else {
          valid[nv++] = g[k];
        }
      }
    }
    Map<String, Object> s = ProtocolSupport.settings(label, config.minRating(), config.kCore(), config.excludeSeen());
    s.put("valid-ratio", config.validRatio());
    s.put("seed-stream", "data.split");
    int[] neg = ProtocolSupport.loggedNegatives(data, positive, rows, config.kCore());
    int[] negSelf = Arrays.stream(neg).filter(r -> random[r] == 0f).toArray();
    int[] negTest = Arrays.stream(neg).filter(r -> random[r] != 0f).toArray();
    SplittableRandom negRng = seeds.stream("data.split.logged");
    int[] negTrain = new int[negSelf.length];
    int[] negValid = new int[negSelf.length];
    int mt = 0;
    int mv = 0;
    for (int[] g : ProtocolSupport.byQuery(log, negSelf, data.numQueries())) {
      ProtocolSupport.shuffle(g, negRng);
      int[] cnt = ProtocolSupport.splitCounts(g.length, ratios);
      for (int k = 0; k < g.length; k++) {
        if (k < cnt[0]) {
          negTrain[mt++] = g[k];
        } else {
          negValid[mv++] = g[k];
        }
      }
    }
    return ProtocolSupport.split(name(), s, data, Arrays.copyOf(train, nt), Arrays.copyOf(valid, nv), test, positive,
        new int[][] {Arrays.copyOf(negTrain, mt), Arrays.copyOf(negValid, mv), negTest});
  }
}
