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
 * Random per-user split as in RecBole ({@code RS: [0.8, 0.1, 0.1]}, group by user).
 *
 * <p>With {@code unit: row} (the default) each user's positive rows are shuffled with the stream
 * {@code data.split} and cut by the ratios, with at least one row in train. When the log has an
 * exposure column, the logged non-positive rows (shown but not engaged, and candidates never
 * shown) are cut the same way per user with their own stream {@code data.split.logged}, so the
 * positives' split is exactly the one a log without exposures gets. The rows of one request can
 * then land in different parts.
 *
 * <p>With {@code unit: request} each user's requests are shuffled with {@code data.split} and cut
 * by the ratios (RecBole's rounding on the request count); every row of a request (positive, shown
 * negative, unexposed candidate) goes to its request's part, so a request's candidate list is whole
 * in one part. The part of a request depends only on the user's request ids and the seed, never on
 * labels. Needs request ids ({@link InteractionLog#requests()}).
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
    Map<String, Object> s = ProtocolSupport.settings(label, config.minRating(), config.kCore(), config.excludeSeen());
    s.put("ratios", config.ratios());
    s.put("unit", config.unit());
    s.put("seed-stream", "data.split");
    if (config.unit().equals("request")) {
      return byRequest(data, seeds, positive, rows, ratios, s);
    }
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

  /** {@code unit: request}: whole requests per part. */
  private Split byRequest(Dataset data, Seeds seeds, float[] positive, int[] positives, double[] ratios,
      Map<String, Object> settings) {
    InteractionLog log = data.log();
    if (log.requests() == null) {
      throw new UserException("Protocol 'per-user-ratio' option unit: request cuts each user's requests, but data set '"
          + data.name() + "' has no request ids. Use unit: row, or a data set with requests (the simulator with a"
          + " cascade: section, open-bandit, or csv with request-column).");
    }
    int[] neg = ProtocolSupport.loggedNegatives(data, positive, positives, config.kCore());
    int[] all = new int[positives.length + neg.length];
    System.arraycopy(positives, 0, all, 0, positives.length);
    System.arraycopy(neg, 0, all, positives.length, neg.length);
    Arrays.sort(all);
    SplittableRandom rng = seeds.stream("data.split");
    int[] partOf = new int[log.size()];
    int requests = 0;
    for (int[][] userRequests : ProtocolSupport.requestsByQuery(log, all, data.numQueries())) {
      int[] order = new int[userRequests.length];
      for (int k = 0; k < order.length; k++) {
        order[k] = k;
      }
      ProtocolSupport.shuffle(order, rng);
      int[] cnt = ProtocolSupport.splitCounts(order.length, ratios);
      int k = 0;
      for (int p = 0; p < 3; p++) {
        for (int c = 0; c < cnt[p]; c++) {
          for (int r : userRequests[order[k]]) {
            partOf[r] = p;
          }
          k++;
        }
      }
      requests += userRequests.length;
    }
    settings.put("requests", requests);
    int[][] pos = ProtocolSupport.byPart(positives, r -> partOf[r]);
    int[][] negatives = log.exposed() == null ? null : ProtocolSupport.byPart(neg, r -> partOf[r]);
    return ProtocolSupport.split(name(), settings, data, pos[0], pos[1], pos[2], positive, negatives);
  }
}
