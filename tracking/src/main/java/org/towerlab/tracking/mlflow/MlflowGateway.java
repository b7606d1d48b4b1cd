package org.towerlab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.towerlab.api.UserException;
import org.towerlab.tracking.MetricNames;
import org.towerlab.tracking.Secrets;
import org.towerlab.tracking.local.Json;
import org.towerlab.tracking.local.MetricPoint;

/**
 * One connection to an MLflow tracking server. Writes (experiments, runs, log-batch, tags, end
 * status) go through the MLflow Java client; reads and artifacts go over the REST API with
 * {@link HttpClient}: the client's artifact calls fork a Python interpreter, and its reads retry
 * every 4xx three times (logging each as a rate-limit warning).
 *
 * <p>Credentials in the URI's user info ({@code http://user:password@host}) are taken out of it:
 * they are sent as HTTP basic credentials when {@code creds} has none, and {@link #uri()}, every
 * message and everything recorded use the URI without them.
 *
 * <p>Errors: 401/403 become a {@link UserException} naming the credentials used; connection
 * failures and 5xx become {@link MlflowUnavailableException}; other 4xx an
 * {@link IllegalStateException} with the server's message.
 */
public final class MlflowGateway implements AutoCloseable {
  /** log-batch limits of the server (mlflow/utils/validation.py). */
  public static final int MAX_METRICS_PER_BATCH = 1000;
  public static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
  /** Longer param values are cut to this length (MAX_PARAM_VAL_LENGTH). */
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  /** Longer tag values are cut to this length (MAX_TAG_VAL_LENGTH). */
  public static final int MAX_TAG_VALUE_LENGTH = 8000;
  /** Tag holding TowerLab's local run id: how sync finds a run created before mlflow.json said so. */
  public static final String RUN_ID_TAG = "towerlab.run_id";
  public static final String PARENT_TAG = "mlflow.parentRunId";

  private final String uri;
  private final MlflowCredentials creds;
  private final MlflowClient client;
  private final HttpClient http;

  public MlflowGateway(String uri, MlflowCredentials creds, boolean insecureTls) {
    Secrets.UriCredentials split = Secrets.split(uri);
    String bare = split.uri();
    this.uri = bare.endsWith("/") ? bare.substring(0, bare.length() - 1) : bare;
    this.creds = creds.present() || !split.present() ? creds
        : new MlflowCredentials(split.username(), split.password(), null, "from the tracking URI");
    this.client = new MlflowClient(new BasicMlflowHostCreds(this.uri, this.creds.username(), this.creds.password(),
        this.creds.token(), insecureTls));
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (insecureTls) {
      b.sslContext(trustAll());
    }
    this.http = b.build();
  }

  public String uri() {
    return uri;
  }

  /** The id of experiment {@code name}, created if missing. */
  public String experimentId(String name) {
    Optional<JsonNode> exp = getJson("api/2.0/mlflow/experiments/get-by-name?experiment_name=" + enc(name));
    if (exp.isPresent()) {
      return exp.get().path("experiment").path("experiment_id").asText();
    }
    try {
      return call(() -> client.createExperiment(name));
    } catch (IllegalStateException e) {
      // created concurrently by another run
      return getJson("api/2.0/mlflow/experiments/get-by-name?experiment_name=" + enc(name))
          .orElseThrow(() -> e).path("experiment").path("experiment_id").asText();
    }
  }

  /** Creates a run; returns its {@code run} JSON ({@code info.run_id}, {@code info.artifact_uri}). */
  public JsonNode createRun(String experimentId, String runName, long startTime, Map<String, String> tags) {
    CreateRun.Builder req = CreateRun.newBuilder().setExperimentId(experimentId).setStartTime(startTime);
    if (runName != null) {
      req.setRunName(runName);
    }
    String user = System.getProperty("user.name");
    if (user != null) {
      req.setUserId(user);
    }
    for (RunTag t : toTags(tags)) {
      req.addTags(t);
    }
    String runId = call(() -> client.createRun(req.build())).getRunId();
    return getRun(runId).orElseThrow(() -> new IllegalStateException("run " + runId + " vanished after creation"));
  }

  /** The run JSON ({@code info}, {@code data.params}, {@code data.tags}), or empty if unknown here. */
  public Optional<JsonNode> getRun(String runId) {
    return getJson("api/2.0/mlflow/runs/get?run_id=" + enc(runId)).map(n -> n.path("run"));
  }

  /** The active run of {@code experimentId} tagged {@code towerlab.run_id = localRunId}, if any. */
  public Optional<String> findRunByLocalId(String experimentId, String localRunId) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("experiment_ids").add(experimentId);
    body.put("filter", "tags.`" + RUN_ID_TAG + "` = '" + localRunId.replace("'", "\\'") + "'");
    body.put("max_results", 10);
    JsonNode res = sendJson("POST", "api/2.0/mlflow/runs/search", body.toString()).orElseThrow();
    for (JsonNode r : res.path("runs")) {
      return Optional.of(r.path("info").path("run_id").asText());
    }
    return Optional.empty();
  }

  /** The points of metric {@code mlflowKey} (already mapped by {@link MetricNames}). */
  public List<MetricPoint> metricHistory(String runId, String mlflowKey) {
    List<MetricPoint> out = new ArrayList<>();
    String token = null;
    do {
      String path = "api/2.0/mlflow/metrics/get-history?run_id=" + enc(runId) + "&metric_key=" + enc(mlflowKey)
          + (token == null ? "" : "&page_token=" + enc(token));
      JsonNode res = getJson(path).orElse(Json.MAPPER.createObjectNode());
      for (JsonNode m : res.path("metrics")) {
        JsonNode v = m.path("value");
        out.add(new MetricPoint(m.path("key").asText(), v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble(),
            m.path("step").asLong(), m.path("timestamp").asLong()));
      }
      token = res.hasNonNull("next_page_token") && !res.get("next_page_token").asText().isEmpty()
          ? res.get("next_page_token").asText() : null;
    } while (token != null);
    return out;
  }

  /** Sends metric points (TowerLab names, mapped here) through log-batch, in chunks. */
  public void logMetrics(String runId, List<MetricPoint> points) {
    List<Metric> ms = new ArrayList<>(points.size());
    for (MetricPoint p : points) {
      ms.add(Metric.newBuilder().setKey(MetricNames.toMlflow(p.key())).setValue(p.value())
          .setTimestamp(p.timestamp()).setStep(p.step()).build());
    }
    for (int i = 0; i < ms.size(); i += MAX_METRICS_PER_BATCH) {
      List<Metric> chunk = ms.subList(i, Math.min(ms.size(), i + MAX_METRICS_PER_BATCH));
      call(() -> {
        client.logBatch(runId, chunk, List.of(), List.of());
        return null;
      });
    }
  }

  /** Sends params (keys mapped, values truncated) through log-batch, in chunks of 100. */
  public void logParams(String runId, Map<String, String> params) {
    List<Param> ps = new ArrayList<>();
    params.forEach((k, v) -> ps.add(Param.newBuilder().setKey(MetricNames.toMlflow(k))
        .setValue(truncate(v, MAX_PARAM_VALUE_LENGTH)).build()));
    for (int i = 0; i < ps.size(); i += MAX_PARAMS_TAGS_PER_BATCH) {
      List<Param> chunk = ps.subList(i, Math.min(ps.size(), i + MAX_PARAMS_TAGS_PER_BATCH));
      call(() -> {
        client.logBatch(runId, List.of(), chunk, List.of());
        return null;
      });
    }
  }

  /** Sends tags (keys mapped, values truncated) through log-batch, in chunks of 100. */
  public void setTags(String runId, Map<String, String> tags) {
    List<RunTag> ts = toTags(tags);
    for (int i = 0; i < ts.size(); i += MAX_PARAMS_TAGS_PER_BATCH) {
      List<RunTag> chunk = ts.subList(i, Math.min(ts.size(), i + MAX_PARAMS_TAGS_PER_BATCH));
      call(() -> {
        client.logBatch(runId, List.of(), List.of(), chunk);
        return null;
      });
    }
  }

  /** Ends the run; TowerLab's INTERRUPTED is MLflow's KILLED. */
  public void terminate(String runId, String status, long endTime) {
    RunStatus s = RunStatus.valueOf(toMlflowStatus(status));
    call(() -> {
      client.setTerminated(runId, s, endTime);
      return null;
    });
  }

  /** MLflow's name for a TowerLab run status. */
  public static String toMlflowStatus(String status) {
    return "INTERRUPTED".equals(status) ? "KILLED" : status;
  }

  /**
   * Uploads {@code file} to {@code artifactPath} (relative, with "/") of a run whose artifact URI is
   * {@code artifactUri} ({@code mlflow-artifacts:/<exp>/<run>/artifacts}), with a REST PUT.
   */
  public void uploadArtifact(String artifactUri, Path file, String artifactPath) {
    URI target = URI.create(uri + "/api/2.0/mlflow-artifacts/artifacts/" + proxiedPath(artifactUri) + "/"
        + encPath(artifactPath));
    try {
      HttpRequest req = authorize(HttpRequest.newBuilder(target)).timeout(Duration.ofMinutes(10))
          .header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
      HttpResponse<String> res = send(req, HttpResponse.BodyHandlers.ofString());
      check(res.statusCode(), res.body(), "PUT artifact " + artifactPath);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot read artifact " + file + ": " + e.getMessage(), e);
    }
  }

  /** Artifact paths (relative, with "/") of the run and their sizes, recursively. */
  public Map<String, Long> listArtifacts(String artifactUri) {
    Map<String, Long> out = new LinkedHashMap<>();
    String root = proxiedPath(artifactUri);
    List<String> dirs = new ArrayList<>(List.of(""));
    while (!dirs.isEmpty()) {
      String sub = dirs.remove(dirs.size() - 1);
      String p = sub.isEmpty() ? root : root + "/" + sub;
      JsonNode res = getJson("api/2.0/mlflow-artifacts/artifacts?path=" + enc(p)).orElse(Json.MAPPER.createObjectNode());
      for (JsonNode f : res.path("files")) {
        String rel = sub.isEmpty() ? f.path("path").asText() : sub + "/" + f.path("path").asText();
        if (f.path("is_dir").asBoolean()) {
          dirs.add(rel);
        } else {
          out.put(rel, f.path("file_size").asLong(-1));
        }
      }
    }
    return out;
  }

  /** Downloads one artifact's bytes. */
  public byte[] downloadArtifact(String artifactUri, String artifactPath) {
    URI target = URI.create(uri + "/api/2.0/mlflow-artifacts/artifacts/" + proxiedPath(artifactUri) + "/"
        + encPath(artifactPath));
    HttpResponse<byte[]> res = send(authorize(HttpRequest.newBuilder(target)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    check(res.statusCode(), new String(res.body(), StandardCharsets.UTF_8), "GET artifact " + artifactPath);
    return res.body();
  }

  @Override
  public void close() {
    client.close();
  }

  // ---------------------------------------------------------------------------------------------

  private static String proxiedPath(String artifactUri) {
    if (artifactUri == null || !artifactUri.startsWith("mlflow-artifacts:")) {
      throw new UserException("The MLflow run's artifact location is '" + artifactUri + "', not a proxied"
          + " 'mlflow-artifacts:' location. TowerLab uploads artifacts through the server only: start the server with"
          + " --artifacts-destination (artifact serving is on by default since MLflow 2.0) and use an experiment"
          + " created while it is on, or set tracking.experiment to a new name.");
    }
    String p = artifactUri.substring("mlflow-artifacts:".length());
    if (p.startsWith("//")) {
      // mlflow-artifacts://host:port/path
      int slash = p.indexOf('/', 2);
      p = slash < 0 ? "" : p.substring(slash);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p;
  }

  private List<RunTag> toTags(Map<String, String> tags) {
    List<RunTag> ts = new ArrayList<>();
    tags.forEach((k, v) -> ts.add(RunTag.newBuilder().setKey(k.startsWith("mlflow.") ? k : MetricNames.toMlflow(k))
        .setValue(truncate(v == null ? "" : v, MAX_TAG_VALUE_LENGTH)).build()));
    return ts;
  }

  private Optional<JsonNode> getJson(String path) {
    return sendJson("GET", path, null);
  }

  private Optional<JsonNode> sendJson(String method, String path, String body) {
    HttpRequest.Builder b = authorize(HttpRequest.newBuilder(URI.create(uri + "/" + path)))
        .timeout(Duration.ofSeconds(60));
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> res = send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() == 404) {
      return Optional.empty();
    }
    check(res.statusCode(), res.body(), method + " " + path);
    try {
      return Optional.of(Json.MAPPER.readTree(res.body()));
    } catch (IOException e) {
      throw new MlflowUnavailableException("MLflow server at " + uri + " answered " + path
          + " with something that is not JSON: " + abbreviate(res.body()), e);
    }
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(req, handler);
    } catch (IOException e) {
      throw new MlflowUnavailableException("MLflow server at " + uri + " is unreachable (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlflowUnavailableException("interrupted while talking to MLflow at " + uri, e);
    }
  }

  private HttpRequest.Builder authorize(HttpRequest.Builder b) {
    creds.authorizationHeader().ifPresent(h -> b.header("Authorization", h));
    return b;
  }

  private void check(int status, String body, String what) {
    if (status >= 200 && status < 300) {
      return;
    }
    if (status == 401 || status == 403) {
      throw authError(status);
    }
    if (status >= 500 || status == 429) {
      throw new MlflowUnavailableException("MLflow server at " + uri + " answered " + what + " with HTTP " + status
          + ": " + abbreviate(body), null);
    }
    throw new IllegalStateException("MLflow server at " + uri + " rejected " + what + " (HTTP " + status + "): "
        + abbreviate(body));
  }

  private UserException authError(int status) {
    String what = status == 401 ? "rejected the credentials (HTTP 401 Unauthorized)"
        : "refused access (HTTP 403 Forbidden)";
    return new UserException("The MLflow server at " + uri + " " + what + "; TowerLab sent " + creds.describe()
        + ". Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) to an account"
        + " with write access to the experiment, or point tracking.uri / MLFLOW_TRACKING_URI at another server.");
  }

  private <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (MlflowHttpException e) {
      check(e.getStatusCode(), e.getBodyMessage(), "a Java client call");
      throw e; // unreachable: check throws for every non-2xx
    } catch (MlflowClientException e) {
      throw new MlflowUnavailableException("MLflow server at " + uri + " is unreachable (" + rootMessage(e) + ")", e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.toString();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encPath(String path) {
    StringBuilder b = new StringBuilder();
    for (String seg : path.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(enc(seg));
    }
    return b.toString();
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust-all TLS context", e);
    }
  }
}
