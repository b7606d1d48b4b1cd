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
 * Chronological leave-one-out (as in SASRec, Kang and McAuley, ICDM 2018): per user, the last
 * positive by timestamp goes to test, the second-last to valid, the rest to train; users with fewer
 * than 3 positives stay entirely in train.
 *
 * <p>Positives of one user often share a timestamp (MovieLens records seconds, and users rate in
 * bursts), and then the order among them decides which row is held out. {@code ties} says how:
 * {@code file-order} (default, deterministic: log order), {@code random} (a seeded random order,
 * stream {@code data.split.ties}) or {@code drop} (such a user is not held out). The settings
 * record {@code ties} and {@code ties.users}, the number of users whose valid or test row a tie
 * decides (under {@code drop}: the users not held out).
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
    SplittableRandom tieRng = config.ties().equals("random") ? seeds.stream("data.split.ties") : null;
    int tied = 0;
    for (int[] g : ProtocolSupport.byQuery(log, rows, data.numQueries())) {
      ProtocolSupport.sortByTime(log, g);
      boolean tie = decidedByTie(log, g);
      tied += tie ? 1 : 0;
      if (tieRng != null) {
        shuffleTies(log, g, tieRng);
      }
      int cut = g.length >= 3 && !(tie && config.ties().equals("drop")) ? g.length - 2 : g.length;
      for (int k = 0; k < cut; k++) {
        train[nt++] = g[k];
      }
      if (cut < g.length) {
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
    Map<String, Object> settings = ProtocolSupport.settings(label, config.minRating(), config.kCore(),
        config.excludeSeen());
    settings.put("ties", config.ties());
    settings.put("ties.users", tied);
    if (tieRng != null) {
      settings.put("seed-stream", "data.split.ties");
    }
    return ProtocolSupport.split(name(), settings, data, Arrays.copyOf(train, nt), Arrays.copyOf(valid, nv),
        Arrays.copyOf(test, ne), positive, negatives);
  }

  /**
   * Whether the held-out rows of a user's time-sorted positives depend on the order of equal
   * timestamps: the last two share one (which is test, which valid), or the second- and third-last
   * do (which is valid, which train).
   */
  static boolean decidedByTie(InteractionLog log, int[] sorted) {
    int n = sorted.length;
    if (n < 3) {
      return false;
    }
    long[] ts = log.timestamps();
    return ts[sorted[n - 1]] == ts[sorted[n - 2]] || ts[sorted[n - 2]] == ts[sorted[n - 3]];
  }

  /** Shuffles each run of equal timestamps of the time-sorted {@code rows} in place. */
  private static void shuffleTies(InteractionLog log, int[] rows, SplittableRandom rng) {
    long[] ts = log.timestamps();
    for (int i = 0; i < rows.length; ) {
      int j = i + 1;
      while (j < rows.length && ts[rows[j]] == ts[rows[i]]) {
        j++;
      }
      for (int k = j - 1; k > i; k--) {
        int pick = i + rng.nextInt(k - i + 1);
        int t = rows[k];
        rows[k] = rows[pick];
        rows[pick] = t;
      }
      i = j;
    }
  }
}
