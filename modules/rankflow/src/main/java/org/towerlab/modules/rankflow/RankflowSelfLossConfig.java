package org.towerlab.modules.rankflow;

import org.towerlab.api.config.ComponentConfig;

/** RankFlow's self-learning loss; no options (the graded label comes from {@code lists.label}). */
public record RankflowSelfLossConfig() implements ComponentConfig.Loss {}
