package org.towerlab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.towerlab.api.UserException;
import org.towerlab.api.tracking.RunSpec;
import org.towerlab.api.tracking.Tracker;
import org.towerlab.tracking.Secrets;
import org.towerlab.tracking.local.ArtifactEntry;
import org.towerlab.tracking.local.LocalRunStore;
import org.towerlab.tracking.local.LocalTrackerConfig;
import org.towerlab.tracking.local.MetricPoint;

/**
 * Logs a run to an MLflow server and, always, to the local run store.
 *
 * <p>On {@link #start} the tracker finds or creates the experiment, creates the run (run name,
 * initial tags, {@code towerlab.run_id}, {@code mlflow.parentRunId} for a grid child) and records
 * it in {@code mlflow.json}. Params and tags go through log-batch with mapped keys and truncated
 * values, metrics with their steps in chunks of at most 1000, artifacts with a REST PUT to the
 * server's artifact proxy, and {@link #finish} sets the end status.
 *
 * <p>Faults: if the server cannot be reached at start, or fails mid-run (connection error, 5xx,
 * rejected request), the tracker logs ONE warning, stops talking to the server and keeps writing
 * the local store; {@code mlflow.json} then says {@code complete: false} and
 * {@code towerlab mlflow sync} pushes the rest later. Rejected credentials (401/403) at start are a
 * {@link UserException}: the local run is marked FAILED and the run stops, since a misconfigured
 * account will not fix itself. The warning is printed once per server URI and JVM, so a grid
 * against a down server warns once.
 */
public final class MlflowTracker implements Tracker {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowTracker.class);
  private static final Set<String> WARNED_URIS = ConcurrentHashMap.newKeySet();
  private static final Pattern MLFLOW_RUN_ID = Pattern.compile("[0-9a-f]{32}");

  private final MlflowTrackerConfig config;
  private final Map<String, String> env;
  private final LocalRunStore local;
  private MlflowGateway gateway;
  private MlflowState state;
  private Path runDir;

  public MlflowTracker(MlflowTrackerConfig config) {
    this(config, System.getenv());
  }

  /** With an explicit environment (credentials and {@code MLFLOW_TRACKING_URI}), for tests. */
  public MlflowTracker(MlflowTrackerConfig config, Map<String, String> env) {
    this.config = config;
    this.env = Map.copyOf(env);
    this.local = new LocalRunStore(new LocalTrackerConfig());
  }

  @Override
  public synchronized void start(RunSpec spec) {
    String uri = config.uri() != null ? config.uri() : env.get("MLFLOW_TRACKING_URI");
    if (uri == null || uri.isBlank() || !(uri.startsWith("http://") || uri.startsWith("https://"))) {
      throw new UserException("The mlflow tracker needs the URL of an MLflow server, got '" + Secrets.redact(uri) + "'. Set"
          + " tracking.uri in the config (tracking: {type: mlflow, uri: http://host:5000}) or the environment"
          + " variable MLFLOW_TRACKING_URI, or use tracking: {type: local}.");
    }
    local.start(spec);
    runDir = local.runDir();
    state = new MlflowState();
    state.uri = Secrets.split(uri).uri(); // credentials in the URI are never recorded
    state.experimentName = config.experiment() != null ? config.experiment() : spec.experiment();
    state.parentRunId = spec.parentRunId() != null && MLFLOW_RUN_ID.matcher(spec.parentRunId()).matches()
        ? spec.parentRunId() : null;
    state.write(runDir);
    try {
      gateway = new MlflowGateway(uri, MlflowCredentials.fromEnv(env), config.insecureTls());
      state.uri = gateway.uri();
      state.experimentId = gateway.experimentId(state.experimentName);
      Map<String, String> tags = Secrets.redact(spec.tags());
      tags.put(MlflowGateway.RUN_ID_TAG, spec.runId());
      if (state.parentRunId != null) {
        tags.put(MlflowGateway.PARENT_TAG, state.parentRunId);
      }
      JsonNode run = gateway.createRun(state.experimentId, spec.runName(), startTime(), tags);
      state.runId = run.path("info").path("run_id").asText();
      state.artifactUri = run.path("info").path("artifact_uri").asText();
      state.addTags(tags.keySet());
      state.write(runDir);
    } catch (UserException e) {
      closeGateway();
      local.finish("FAILED");
      state.lastError = e.getMessage();
      state.write(runDir);
      throw e;
    } catch (RuntimeException e) {
      lose(e);
    }
  }

  /** The MLflow run id, or the local run id while the server is unreachable since the start. */
  @Override
  public String runId() {
    return state != null && state.runId != null ? state.runId : local.runId();
  }

  /** Whether the run is still being sent to the server. */
  public synchronized boolean online() {
    return gateway != null && state.runId != null;
  }

  /** The local run directory. */
  public Path runDir() {
    return local.runDir();
  }

  @Override
  public synchronized void logParams(Map<String, String> values) {
    Map<String, String> params = Secrets.redact(values); // never a password of a URI, locally or on the server
    local.logParams(params);
    push(() -> {
      gateway.logParams(state.runId, params);
      state.addParams(params.keySet());
    });
  }

  @Override
  public synchronized void logMetrics(Map<String, Double> metrics, long step) {
    List<MetricPoint> points = local.logMetricPoints(metrics, step);
    push(() -> {
      gateway.logMetrics(state.runId, points);
      for (MetricPoint p : points) {
        state.metrics.merge(p.key(), 1, Integer::sum);
      }
    });
  }

  @Override
  public synchronized void setTags(Map<String, String> values) {
    Map<String, String> tags = Secrets.redact(values);
    local.setTags(tags);
    push(() -> {
      gateway.setTags(state.runId, tags);
      state.addTags(tags.keySet());
    });
  }

  @Override
  public synchronized void logArtifact(Path file, String artifactDir) {
    ArtifactEntry entry = local.logArtifactEntry(file, artifactDir);
    push(() -> {
      gateway.uploadArtifact(state.artifactUri, runDir.resolve(entry.path()), entry.artifactPath());
      if (!state.artifacts.contains(entry.artifactPath())) {
        state.artifacts.add(entry.artifactPath());
      }
    });
  }

  @Override
  public synchronized void finish(String status) {
    local.finish(status);
    long end = System.currentTimeMillis();
    push(() -> {
      gateway.terminate(state.runId, status, end);
      state.endStatus = status;
      state.complete = state.lastError == null;
    });
  }

  /**
   * A run never finished is ended as INTERRUPTED locally and KILLED on the server. Never throws:
   * it runs while an earlier error is on its way out.
   */
  @Override
  public synchronized void close() {
    try {
      if (state != null && "RUNNING".equals(local.status())) {
        local.close();
        push(() -> {
          gateway.terminate(state.runId, "INTERRUPTED", System.currentTimeMillis());
          state.endStatus = "KILLED";
        });
      }
    } catch (RuntimeException e) {
      LOG.debug("closing the MLflow run: {}", e.getMessage());
    } finally {
      local.close();
      closeGateway();
    }
  }

  private long startTime() {
    return local.startTime();
  }

  private void push(Runnable action) {
    if (!online()) {
      return;
    }
    try {
      action.run();
      state.write(runDir);
    } catch (RuntimeException e) {
      lose(e); // outage, server error, even credentials revoked mid-run: training goes on
    }
  }

  private void lose(RuntimeException e) {
    state.complete = false;
    state.lastError = e.getMessage();
    state.write(runDir);
    closeGateway();
    String msg = "Stopped logging to MLflow: {}. Run '{}' continues and is kept in full in the local run store {};"
        + " push it later with: towerlab mlflow sync {}";
    if (WARNED_URIS.add(state.uri)) {
      LOG.warn(msg, e.getMessage(), local.runId(), runDir, runDir);
    } else {
      LOG.debug(msg, e.getMessage(), local.runId(), runDir, runDir);
    }
  }

  private void closeGateway() {
    if (gateway != null) {
      gateway.close();
      gateway = null;
    }
  }
}
