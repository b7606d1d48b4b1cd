package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/** The most-popular floor; no options. */
public record MostPopularModelConfig() implements ComponentConfig.Model {}
