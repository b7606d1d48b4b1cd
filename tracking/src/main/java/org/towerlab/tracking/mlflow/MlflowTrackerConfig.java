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
 * @param registerModel registered model name: the run's model ({@code model/}) becomes a new
 *     version of it in the model registry; {@code null} (default) registers nothing
 */
public record MlflowTrackerConfig(String uri, String experiment, Boolean insecureTls, String registerModel)
    implements ComponentConfig.Tracker {

  /** Without model registration. */
  public MlflowTrackerConfig(String uri, String experiment, Boolean insecureTls) {
    this(uri, experiment, insecureTls, null);
  }

  public MlflowTrackerConfig {
    if (registerModel != null && registerModel.isBlank()) {
      throw new IllegalArgumentException("tracking.register-model must be a model name, got '" + registerModel + "'");
    }
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
