package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/** Bayesian personalized ranking; no options. */
public record BprLossConfig() implements ComponentConfig.Loss {}
