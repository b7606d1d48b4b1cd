package org.towerlab.api.train;

import java.util.Map;
import org.towerlab.api.eval.Scorer;

/**
 * @param epochsRun epochs actually run (early stopping may cut them)
 * @param bestEpoch the epoch whose weights were kept (1-based; 0 when nothing was trained)
 * @param bestValidation the monitored validation value at that epoch
 * @param stats training statistics (examples per second, seconds, ...)
 * @param scorer what to evaluate instead of the model's own towers, or {@code null}: a cascade
 *     strategy (RankFlow, ARF) returns the scorer of the whole cascade; the runner closes it
 */
public record TrainResult(int epochsRun, int bestEpoch, double bestValidation, Map<String, Double> stats,
    Scorer scorer) {

  /** A result evaluated through the model's own scorer. */
  public TrainResult(int epochsRun, int bestEpoch, double bestValidation, Map<String, Double> stats) {
    this(epochsRun, bestEpoch, bestValidation, stats, null);
  }
}
