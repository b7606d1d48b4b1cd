package org.towerlab.api.train;

import java.util.Map;
import org.towerlab.api.eval.Scorer;

/**
 * @param epochsRun epochs actually run (early stopping may cut them; for several stages, the sum)
 * @param bestEpoch the epoch whose weights were kept (1-based; 0 when nothing was trained)
 * @param bestValidation the monitored validation value at that epoch
 * @param stats training statistics (examples per second, seconds, ...)
 * @param scorer what to evaluate instead of the model's own towers, or {@code null}: a cascade
 *     strategy returns the scorer of the whole cascade; the runner closes it
 * @param stages named scorers of the run's other models (each cascade stage, a distillation
 *     teacher), evaluated besides the system and offered to evaluators by name; the runner
 *     closes them
 */
public record TrainResult(int epochsRun, int bestEpoch, double bestValidation, Map<String, Double> stats,
    Scorer scorer, Map<String, Scorer> stages) {

  public TrainResult {
    stats = stats == null ? Map.of() : stats;
    stages = stages == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
  }

  /** A result evaluated through the model's own scorer. */
  public TrainResult(int epochsRun, int bestEpoch, double bestValidation, Map<String, Double> stats) {
    this(epochsRun, bestEpoch, bestValidation, stats, null, Map.of());
  }
}
