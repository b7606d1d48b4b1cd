package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/** {@code distill-mse} has no settings. */
public record DistillMseLossConfig() implements ComponentConfig.Loss {}
