package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.Map;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * One global time cut: with {@code t_v} and {@code t_t} the {@code valid-start} and
 * {@code test-start} quantiles of the positive rows' timestamps, rows before {@code t_v} train,
 * rows in {@code [t_v, t_t)} validate and rows from {@code t_t} on test. Users and items first
 * seen after the cut stay in valid and test (cold start). Deterministic. With an exposure column,
 * the logged non-positive rows (shown but not engaged, candidates never shown) are cut at the same
 * two timestamps, so every request of a cascade log (one timestamp) is whole in one part.
 */
public final class GlobalTemporal implements Protocol {
  private final GlobalTemporalConfig config;

  public GlobalTemporal(GlobalTemporalConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "global-temporal";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    String label = ProtocolSupport.label(log, config.label(), name());
    float[] positive = ProtocolSupport.positives(log, label, config.minRating());
    int[] rows = ProtocolSupport.positiveRows(data, positive, config.kCore());
    long[] ts = new long[rows.length];
    for (int k = 0; k < rows.length; k++) {
      ts[k] = log.timestamps()[rows[k]];
    }
    Arrays.sort(ts);
    long tValid = quantile(ts, config.validStart());
    long tTest = quantile(ts, config.testStart());
    int[][] parts = {new int[rows.length], new int[rows.length], new int[rows.length]};
    int[] fill = new int[3];
    for (int r : rows) {
      long t = log.timestamps()[r];
      int p = t < tValid ? 0 : t < tTest ? 1 : 2;
      parts[p][fill[p]++] = r;
    }
    Map<String, Object> s = ProtocolSupport.settings(label, config.minRating(), config.kCore(), config.excludeSeen());
    s.put("valid-start", config.validStart());
    s.put("test-start", config.testStart());
    s.put("valid-start.timestamp", tValid);
    s.put("test-start.timestamp", tTest);
    int[][] negatives = null;
    if (log.exposed() != null) {
      int[] neg = ProtocolSupport.loggedNegatives(data, positive, rows, config.kCore());
      negatives = ProtocolSupport.byPart(neg, r -> {
        long t = log.timestamps()[r];
        return t < tValid ? 0 : t < tTest ? 1 : 2;
      });
    }
    return ProtocolSupport.split(name(), s, data, Arrays.copyOf(parts[0], fill[0]), Arrays.copyOf(parts[1], fill[1]),
        Arrays.copyOf(parts[2], fill[2]), positive, negatives);
  }

  private static long quantile(long[] sorted, double q) {
    int k = (int) Math.floor(q * sorted.length);
    return k >= sorted.length ? Long.MAX_VALUE : sorted[k];
  }
}
