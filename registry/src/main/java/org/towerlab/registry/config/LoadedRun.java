package org.towerlab.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.towerlab.api.config.ExperimentConfig;

/**
 * One run of a loaded config file (one child of a grid, or the only run).
 *
 * @param source the config file
 * @param config the bound experiment config
 * @param raw the run's config tree after interpolation, overrides and grid expansion, before defaults
 * @param effective the effective config: the bound record serialized back, every default filled
 * @param gridValues the values this child took from the {@code grid:} block, by dotted path (empty
 *     when the file has no grid)
 */
public record LoadedRun(Path source, ExperimentConfig config, JsonNode raw, JsonNode effective,
    Map<String, Object> gridValues) {}
