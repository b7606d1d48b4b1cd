package org.towerlab.modules.datasets;

import java.util.Arrays;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * Chronological leave-one-out (as in SASRec, Kang and McAuley, ICDM 2018): per user, the last
 * positive (by timestamp, ties by log order) goes to test, the second-last to valid, the rest to
 * train; users with fewer than 3 positives stay entirely in train. Deterministic.
 *
 * <p>With an exposure column, the logged non-positive rows (shown but not engaged, candidates never
 * shown) are assigned by time: a row at or after the user's test positive goes to test, at or after
 * the valid positive to valid, else to train (all to train for users without a valid positive). A
 * cascade log writes a request's rows at one time, so a request stays in one part except that its
 * positives follow the positives' rule.
 */
public final class LeaveLastOut implements Protocol {
  private final LeaveLastOutConfig config;

  public LeaveLastOut(LeaveLastOutConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "leave-last-out";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    String label = ProtocolSupport.label(log, config.label(), name());
    float[] positive = ProtocolSupport.positives(log, label, config.minRating());
    int[] rows = ProtocolSupport.positiveRows(data, positive, config.kCore());
    int[] train = new int[rows.length];
    int[] valid = new int[data.numQueries()];
    int[] test = new int[data.numQueries()];
    int nt = 0;
    int nv = 0;
    int ne = 0;
    long[] validFrom = new long[data.numQueries()];
    long[] testFrom = new long[data.numQueries()];
    Arrays.fill(validFrom, Long.MAX_VALUE);
    Arrays.fill(testFrom, Long.MAX_VALUE);
    for (int[] g : ProtocolSupport.byQuery(log, rows, data.numQueries())) {
      ProtocolSupport.sortByTime(log, g);
      int cut = g.length >= 3 ? g.length - 2 : g.length;
      for (int k = 0; k < cut; k++) {
        train[nt++] = g[k];
      }
      if (g.length >= 3) {
        valid[nv++] = g[g.length - 2];
        test[ne++] = g[g.length - 1];
        int q = log.queries()[g[0]];
        validFrom[q] = log.timestamps()[g[g.length - 2]];
        testFrom[q] = log.timestamps()[g[g.length - 1]];
      }
    }
    int[][] negatives = null;
    if (log.exposed() != null) {
      // logged non-positive rows by time: from the user's test positive on, test; from the valid
      // positive on, valid; before, train
      int[] neg = ProtocolSupport.loggedNegatives(data, positive, rows, config.kCore());
      negatives = ProtocolSupport.byPart(neg, r -> {
        int q = log.queries()[r];
        long t = log.timestamps()[r];
        return t >= testFrom[q] ? 2 : t >= validFrom[q] ? 1 : 0;
      });
    }
    return ProtocolSupport.split(name(), ProtocolSupport.settings(label, config.minRating(), config.kCore(),
        config.excludeSeen()), data, Arrays.copyOf(train, nt), Arrays.copyOf(valid, nv), Arrays.copyOf(test, ne),
        positive, negatives);
  }
}
