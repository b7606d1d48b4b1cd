package org.towerlab.modules.baseline;

import org.towerlab.api.config.ComponentConfig;

/** The plain inner product; no options. */
public record DotInteractionConfig() implements ComponentConfig.Interaction {}
