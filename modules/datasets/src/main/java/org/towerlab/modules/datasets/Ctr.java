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
 * exposure column (the simulator) only shown rows are used and the default label is {@code click}
 * when there is no rating. Every kept row is a logged row ({@link Split#logged()}); the positives are
 * the rows labelled 1.
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
    return ProtocolSupport.splitLogged(name(), s, data, new int[][] {Arrays.copyOfRange(order, 0, nTrain),
        Arrays.copyOfRange(order, nTrain, nTrain + nValid), Arrays.copyOfRange(order, nTrain + nValid, order.length)},
        positive);
  }
}
