package org.towerlab.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.config.RuntimeConfig;
import org.towerlab.api.config.SummaryConfig;
import org.towerlab.api.config.TuneConfig;

/**
 * One run of a loaded config file (one child of a grid, or the only run).
 *
 * @param source the config file
 * @param config the bound experiment config
 * @param raw the run's config tree after interpolation, overrides and grid expansion, before defaults
 * @param effective the effective config: the bound record serialized back, every default filled
 * @param gridValues the values this child took from the {@code grid:} block, by dotted path (empty
 *     when the file has no grid)
 * @param summary the file's top-level {@code summary:} section (every default when absent); it is
 *     not part of {@code config} or {@code effective}, since it does not change the run
 * @param tune the file's top-level {@code tune:} section, or null when the file has none; like
 *     {@code summary}, it is not part of {@code config} or {@code effective}
 * @param runtime the file's top-level {@code runtime:} section (threads; every default when
 *     absent); like {@code summary} it is not part of {@code config} or {@code effective}
 */
public record LoadedRun(Path source, ExperimentConfig config, JsonNode raw, JsonNode effective,
    Map<String, Object> gridValues, SummaryConfig summary, TuneConfig tune, RuntimeConfig runtime) {

  public LoadedRun {
    summary = summary == null ? SummaryConfig.DEFAULT : summary;
    runtime = runtime == null ? RuntimeConfig.DEFAULT : runtime;
  }

  /** A run without a {@code runtime:} section. */
  public LoadedRun(Path source, ExperimentConfig config, JsonNode raw, JsonNode effective,
      Map<String, Object> gridValues, SummaryConfig summary, TuneConfig tune) {
    this(source, config, raw, effective, gridValues, summary, tune, RuntimeConfig.DEFAULT);
  }

  /** A run without {@code tune:} and {@code runtime:} sections. */
  public LoadedRun(Path source, ExperimentConfig config, JsonNode raw, JsonNode effective,
      Map<String, Object> gridValues, SummaryConfig summary) {
    this(source, config, raw, effective, gridValues, summary, null, RuntimeConfig.DEFAULT);
  }

  /** A run without a {@code summary:} section (every default). */
  public LoadedRun(Path source, ExperimentConfig config, JsonNode raw, JsonNode effective,
      Map<String, Object> gridValues) {
    this(source, config, raw, effective, gridValues, SummaryConfig.DEFAULT, null, RuntimeConfig.DEFAULT);
  }
}
