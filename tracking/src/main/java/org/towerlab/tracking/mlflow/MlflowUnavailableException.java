package org.towerlab.tracking.mlflow;

/** The MLflow server could not be reached or answered with a server error (5xx). */
public final class MlflowUnavailableException extends RuntimeException {
  public MlflowUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
