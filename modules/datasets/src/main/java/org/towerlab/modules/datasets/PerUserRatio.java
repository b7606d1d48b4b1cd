package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * Random per-user split as in RecBole ({@code RS: [0.8, 0.1, 0.1]}, group by user): each user's
 * positive rows are shuffled with the stream {@code data.split} and cut by the ratios, with at
 * least one row in train. Only positive rows are kept (implicit-feedback retrieval).
 */
public final class PerUserRatio implements Protocol {
  private final PerUserRatioConfig config;

  public PerUserRatio(PerUserRatioConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "per-user-ratio";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    String label = ProtocolSupport.label(log, config.label(), name());
    float[] positive = ProtocolSupport.positives(log, label, config.minRating());
    int[] rows = ProtocolSupport.positiveRows(data, positive, config.kCore());
    double[] ratios = ProtocolSupport.array(config.ratios());
    SplittableRandom rng = seeds.stream("data.split");
    int[][] groups = ProtocolSupport.byQuery(log, rows, data.numQueries());
    int[][] parts = {new int[rows.length], new int[rows.length], new int[rows.length]};
    int[] fill = new int[3];
    for (int[] g : groups) {
      ProtocolSupport.shuffle(g, rng);
      int[] cnt = ProtocolSupport.splitCounts(g.length, ratios);
      int k = 0;
      for (int p = 0; p < 3; p++) {
        for (int c = 0; c < cnt[p]; c++) {
          parts[p][fill[p]++] = g[k++];
        }
      }
    }
    Map<String, Object> s = ProtocolSupport.settings(label, config.minRating(), config.kCore(), config.excludeSeen());
    s.put("ratios", config.ratios());
    s.put("seed-stream", "data.split");
    int[][] negatives = null;
    if (log.exposed() != null) {
      // logged non-positive rows: the same per-user ratios, on their own stream so that the
      // positives' split is the one a log without exposures gets
      int[] neg = ProtocolSupport.loggedNegatives(data, positive, rows, config.kCore());
      SplittableRandom negRng = seeds.stream("data.split.logged");
      int[] partOf = new int[log.size()];
      for (int[] g : ProtocolSupport.byQuery(log, neg, data.numQueries())) {
        ProtocolSupport.shuffle(g, negRng);
        int[] cnt = ProtocolSupport.splitCounts(g.length, ratios);
        int k = 0;
        for (int p = 0; p < 3; p++) {
          for (int c = 0; c < cnt[p]; c++) {
            partOf[g[k++]] = p;
          }
        }
      }
      negatives = ProtocolSupport.byPart(neg, r -> partOf[r]);
    }
    return ProtocolSupport.split(name(), s, data, Arrays.copyOf(parts[0], fill[0]), Arrays.copyOf(parts[1], fill[1]),
        Arrays.copyOf(parts[2], fill[2]), positive, negatives);
  }
}
