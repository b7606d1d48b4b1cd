package org.towerlab.api.eval;

import ai.djl.ndarray.NDManager;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;

/**
 * What an evaluator gets: the split, which part to evaluate ({@code valid} or {@code test}), the
 * interactions whose items count as already seen for each query (train, plus valid when testing),
 * a scorer over the current model, and a manager for its own scope.
 */
public record EvalContext(Split split, String part, InteractionLog target, InteractionLog seen,
    Scorer scorer, NDManager manager) {}
