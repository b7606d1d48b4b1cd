package org.towerlab.modules.datasets;

import java.util.Arrays;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * Pointwise CTR-style protocol (pre-ranking): labels are binarized ({@code label > threshold}
 * positive, {@code == threshold} dropped when {@code drop-equal}, lower negative), both classes
 * are kept, and the rows are cut 8:1:1 at random (stream {@code data.split}) or by time. With an
 * exposure column (the simulator, Open Bandit, a csv with {@code exposure-column}) the shown rows
 * are the ones cut, and the default label is {@code click} when there is no rating. Every kept row
 * is a logged row ({@link Split#logged()}); the positives are the rows labelled 1.
 *
 * <p>Logged candidates that were never shown (a cascade log's stage 0 and 1 rows) join the logged
 * rows without moving the shown rows' split: with {@code temporal: true} by time (before the first
 * valid row's timestamp train, before the first test row's valid, else test); otherwise each is
 * assigned at random by the ratios with its own stream {@code data.split.logged}. They are never
 * positives; pointwise losses and evaluators skip them (they have no feedback).
 */
public final class Ctr implements Protocol {
  private final CtrConfig config;

  public Ctr(CtrConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "ctr";
  }

  @Override
  public Split split(Dataset data, Seeds seeds) {
    InteractionLog log = data.log();
    String label = ProtocolSupport.label(log, config.label(), name());
    if (label == null) {
      throw new UserException("Protocol 'ctr' needs a label to binarize, but data set '" + data.name()
          + "' has none (implicit feedback). Use per-user-ratio, leave-last-out or global-temporal instead.");
    }
    double threshold = config.threshold() != null ? config.threshold() : label.equals("rating") ? 3.0 : 0.5;
    float[] v = log.label(label);
    float[] positive = new float[log.size()];
    boolean[] keep = ProtocolSupport.shown(log);
    for (int r = 0; r < v.length; r++) {
      if (config.minRating() != null) {
        positive[r] = v[r] >= config.minRating() ? 1f : 0f;
      } else {
        positive[r] = v[r] > threshold ? 1f : 0f;
        keep[r] &= !(config.dropEqual() && v[r] == threshold);
      }
      if (log.exposed() != null && !log.exposed()[r]) {
        positive[r] = 0f; // a candidate never shown has no feedback
      }
    }
    int[] rows = ProtocolSupport.kCore(data, ProtocolSupport.rows(keep), positive, config.kCore());
    int[] order = rows.clone();
    if (config.temporal()) {
      ProtocolSupport.sortByTime(log, order);
    } else {
      ProtocolSupport.shuffle(order, seeds.stream("data.split"));
    }
    double[] ratios = ProtocolSupport.array(config.ratios());
    int nValid = (int) (ratios[1] * order.length);
    int nTest = (int) (ratios[2] * order.length);
    int nTrain = order.length - nValid - nTest;
    Map<String, Object> s = ProtocolSupport.settings(label, config.minRating(), config.kCore(), config.excludeSeen());
    s.put("threshold", config.minRating() != null ? "none" : threshold);
    s.put("drop-equal", config.dropEqual());
    s.put("temporal", config.temporal());
    s.put("ratios", config.ratios());
    int pos = 0;
    for (int r : rows) {
      pos += positive[r] > 0 ? 1 : 0;
    }
    s.put("rows.positive", pos);
    int[][] parts = {Arrays.copyOfRange(order, 0, nTrain), Arrays.copyOfRange(order, nTrain, nTrain + nValid),
        Arrays.copyOfRange(order, nTrain + nValid, order.length)};
    int[] unexposed = ProtocolSupport.unexposedRows(data, rows, config.kCore());
    if (unexposed.length > 0) {
      int[][] extra;
      if (config.temporal()) {
        long tValid = nValid > 0 ? log.timestamps()[order[nTrain]] : Long.MAX_VALUE;
        long tTest = nTest > 0 ? log.timestamps()[order[nTrain + nValid]] : Long.MAX_VALUE;
        extra = ProtocolSupport.byPart(unexposed, r -> {
          long t = log.timestamps()[r];
          return t < tValid ? 0 : t < tTest ? 1 : 2;
        });
      } else {
        int[] shuffled = unexposed.clone();
        ProtocolSupport.shuffle(shuffled, seeds.stream("data.split.logged"));
        int uValid = (int) (ratios[1] * shuffled.length);
        int uTest = (int) (ratios[2] * shuffled.length);
        int uTrain = shuffled.length - uValid - uTest;
        extra = new int[][] {Arrays.copyOfRange(shuffled, 0, uTrain), Arrays.copyOfRange(shuffled, uTrain, uTrain + uValid),
            Arrays.copyOfRange(shuffled, uTrain + uValid, shuffled.length)};
      }
      for (int p = 0; p < 3; p++) {
        int[] merged = Arrays.copyOf(parts[p], parts[p].length + extra[p].length);
        System.arraycopy(extra[p], 0, merged, parts[p].length, extra[p].length);
        parts[p] = merged;
      }
      s.put("rows.unexposed", unexposed.length);
    }
    return ProtocolSupport.splitLogged(name(), s, data, parts, positive);
  }
}
