package org.towerlab.api.train;

import java.util.Map;

/**
 * @param epochsRun epochs actually run (early stopping may cut them)
 * @param bestEpoch the epoch whose weights were kept (1-based; 0 when nothing was trained)
 * @param bestValidation the monitored validation value at that epoch
 * @param stats training statistics (examples per second, seconds, ...)
 */
public record TrainResult(int epochsRun, int bestEpoch, double bestValidation, Map<String, Double> stats) {}
