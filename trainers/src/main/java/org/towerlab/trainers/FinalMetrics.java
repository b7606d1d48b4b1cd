package org.towerlab.trainers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.api.train.TrainResult;

/**
 * Logs a run's final metrics so that the tracker's table shows the kept model, not the last epoch.
 * The per-epoch {@code valid/*} histories end at the last epoch run, which early stopping may have
 * passed; the weights kept are those of the best epoch. So the runner logs, at the best epoch's
 * step ({@code train/best-epoch}, 0 when nothing was trained):
 * <ul>
 *   <li>{@code best/valid/<metric>}: the kept model's validation metrics (what selecting a run by
 *       validation should compare);
 *   <li>the test metrics, costs and training statistics of the kept model.
 * </ul>
 */
final class FinalMetrics {
  /** Prefix of the kept model's validation metrics. */
  static final String BEST = "best/";

  private FinalMetrics() {}

  static void log(Tracker tracker, Map<String, Double> metrics, TrainResult result) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> out.put(k.startsWith("valid/") ? BEST + k : k, v));
    tracker.logMetrics(out, Math.max(result.bestEpoch(), 0));
  }
}
