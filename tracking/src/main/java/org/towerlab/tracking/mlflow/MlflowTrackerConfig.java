package org.towerlab.tracking.mlflow;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of the {@code mlflow} tracker: {@code tracking: {type: mlflow, uri: http://host:5000}}.
 * The local run store is written as well.
 *
 * @param uri tracking server URL ({@code http(s)://...}); {@code null} means the environment
 *     variable {@code MLFLOW_TRACKING_URI}, read when the run starts
 * @param experiment MLflow experiment name overriding the run's experiment name, or {@code null}
 * @param insecureTls skip TLS certificate verification (only for self-signed test servers;
 *     default {@code false})
 */
public record MlflowTrackerConfig(String uri, String experiment, Boolean insecureTls)
    implements ComponentConfig.Tracker {
  public MlflowTrackerConfig {
    insecureTls = insecureTls == null ? Boolean.FALSE : insecureTls;
    if (uri != null && !uri.startsWith("http://") && !uri.startsWith("https://")) {
      throw new IllegalArgumentException("tracking.uri must be an http:// or https:// URL of an MLflow server"
          + " (the Java client has no local file store), got '" + uri + "'");
    }
    if (experiment != null && experiment.isBlank()) {
      throw new IllegalArgumentException("tracking.experiment must not be blank, got '" + experiment + "'");
    }
  }
}
