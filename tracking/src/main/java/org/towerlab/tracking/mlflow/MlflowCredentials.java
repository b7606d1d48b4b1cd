package org.towerlab.tracking.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials for an MLflow server. The MLflow Java client 2.17.2 does not read the environment,
 * so TowerLab does: {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD} (HTTP basic)
 * or {@code MLFLOW_TRACKING_TOKEN} (bearer). When both are set, username/password wins, as in the
 * Java client. A tracking URI with user info ({@code http://user:password@host:5000}, as the Python
 * client accepts) is used when the environment sets no credentials; the URI itself is then sent
 * and recorded without them ({@link MlflowGateway}).
 *
 * @param source where the credentials come from, for messages ({@code null}: the environment)
 */
public record MlflowCredentials(String username, String password, String token, String source) {
  public static final MlflowCredentials NONE = new MlflowCredentials(null, null, null);

  /** Credentials from the environment variables. */
  public MlflowCredentials(String username, String password, String token) {
    this(username, password, token, null);
  }

  /** Whether any credentials are set. */
  public boolean present() {
    return username != null || token != null;
  }

  /** Credentials from the process environment. */
  public static MlflowCredentials fromEnv() {
    return fromEnv(System.getenv());
  }

  public static MlflowCredentials fromEnv(Map<String, String> env) {
    return new MlflowCredentials(blankToNull(env.get("MLFLOW_TRACKING_USERNAME")),
        blankToNull(env.get("MLFLOW_TRACKING_PASSWORD")), blankToNull(env.get("MLFLOW_TRACKING_TOKEN")));
  }

  /** The {@code Authorization} header value, if any credentials are set. */
  public Optional<String> authorizationHeader() {
    if (username != null) {
      String pair = username + ":" + (password == null ? "" : password);
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return token == null ? Optional.empty() : Optional.of("Bearer " + token);
  }

  /** Which kind of credentials were used, for error messages (never the secret itself). */
  public String describe() {
    if (username != null) {
      return "user '" + username + "' (" + (source != null ? source : "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD")
          + ")";
    }
    return token != null ? "a bearer token (MLFLOW_TRACKING_TOKEN)" : "no credentials";
  }

  @Override
  public String toString() {
    return "MlflowCredentials[" + describe() + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
