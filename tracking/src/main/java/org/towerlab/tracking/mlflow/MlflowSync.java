package org.towerlab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.towerlab.api.UserException;
import org.towerlab.tracking.MetricNames;
import org.towerlab.tracking.local.ArtifactEntry;
import org.towerlab.tracking.local.LocalRun;
import org.towerlab.tracking.local.MetricPoint;

/**
 * {@code towerlab mlflow sync [RUN...]}: pushes local runs that are not (fully) on an MLflow server.
 *
 * <p>Idempotent by construction: the server is the reference, not a local counter. For each run
 * the MLflow run recorded in {@code mlflow.json} is reused if the server knows it; otherwise a run
 * tagged {@code towerlab.run_id = <local id>} is searched in the experiment (a run created just
 * before a crash); only then is a new run created. Then only what the server lacks is sent: params
 * not yet there, tags whose value differs, metric points of a (key, step) the server's history
 * lacks (one point per (key, step), never a second one), artifacts missing or of another size, and the end status. Parents are synced
 * before their children so that {@code mlflow.parentRunId} points at the parent's MLflow run.
 */
public final class MlflowSync {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowSync.class);

  /** What happened to one run: {@code created}, {@code completed}, {@code up-to-date} or {@code failed}. */
  public record RunResult(Path runDir, String mlflowRunId, String action, int params, int metrics, int tags,
      int artifacts, String error) {}

  /** The result of one sync. */
  public record Summary(List<RunResult> runs) {
    public long count(String action) {
      return runs.stream().filter(r -> r.action().equals(action)).count();
    }

    /** One line for the CLI: {@code 3 runs: 1 created, 1 completed, 1 up-to-date, 0 failed}. */
    @Override
    public String toString() {
      return runs.size() + " runs: " + count("created") + " created, " + count("completed") + " completed, "
          + count("up-to-date") + " up-to-date, " + count("failed") + " failed";
    }
  }

  private final MlflowGateway gateway;

  private MlflowSync(MlflowGateway gateway) {
    this.gateway = gateway;
  }

  /**
   * Syncs the runs at or under {@code paths} (run dirs, experiment dirs or a runs root) to the server
   * in {@code MLFLOW_TRACKING_URI}, with credentials from the environment.
   */
  public static Summary sync(List<Path> paths) {
    String uri = System.getenv("MLFLOW_TRACKING_URI");
    if (uri == null || uri.isBlank()) {
      throw new UserException("towerlab mlflow sync needs a server: set MLFLOW_TRACKING_URI (http://host:5000).");
    }
    return sync(paths, uri, MlflowCredentials.fromEnv(), false);
  }

  /**
   * Syncs the runs at or under {@code paths} to the server at {@code uri}. A run that fails (server
   * gone again) is reported as {@code failed} and left for the next sync; rejected credentials throw
   * a {@link UserException}.
   */
  public static Summary sync(List<Path> paths, String uri, MlflowCredentials creds, boolean insecureTls) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path p : paths) {
      dirs.addAll(LocalRun.find(p));
    }
    List<LocalRun> runs = new ArrayList<>();
    for (Path d : dirs) {
      runs.add(LocalRun.read(d));
    }
    try (MlflowGateway gateway = new MlflowGateway(uri, creds, insecureTls)) {
      MlflowSync sync = new MlflowSync(gateway);
      List<RunResult> results = new ArrayList<>();
      for (LocalRun run : parentsFirst(runs)) {
        results.add(sync.syncRun(run));
      }
      Summary s = new Summary(List.copyOf(results));
      LOG.info("mlflow sync to {}: {}", gateway.uri(), s);
      return s;
    }
  }

  private RunResult syncRun(LocalRun run) {
    MlflowState st = MlflowState.read(run.dir());
    try {
      return push(run, st);
    } catch (UserException e) {
      throw e;
    } catch (RuntimeException e) {
      st.complete = false;
      st.lastError = e.getMessage();
      st.write(run.dir());
      LOG.warn("mlflow sync: run {} not synced: {}", run.dir(), e.getMessage());
      return new RunResult(run.dir(), st.runId, "failed", 0, 0, 0, 0, e.getMessage());
    }
  }

  private RunResult push(LocalRun run, MlflowState st) {
    if (st.experimentName == null) {
      st.experimentName = run.experiment();
    }
    String expId = gateway.experimentId(st.experimentName);
    JsonNode remote = st.runId == null ? null : gateway.getRun(st.runId).orElse(null);
    if (remote == null) {
      remote = gateway.findRunByLocalId(expId, run.runId()).flatMap(gateway::getRun).orElse(null);
    }
    boolean created = false;
    String parent = mlflowParentOf(run);
    if (remote == null) {
      Map<String, String> tags = new LinkedHashMap<>(run.tags());
      tags.put(MlflowGateway.RUN_ID_TAG, run.runId());
      if (parent != null) {
        tags.put(MlflowGateway.PARENT_TAG, parent);
      }
      remote = gateway.createRun(expId, run.runName(), run.startTime(), tags);
      created = true;
    }
    String runId = remote.path("info").path("run_id").asText();
    st.uri = gateway.uri();
    st.experimentId = expId;
    st.runId = runId;
    st.artifactUri = remote.path("info").path("artifact_uri").asText();
    st.parentRunId = parent;
    st.lastError = null;
    st.write(run.dir()); // from here on a crash resumes with this run, never a new one

    Map<String, String> remoteParams = keyValues(remote.path("data").path("params"));
    Map<String, String> remoteTags = keyValues(remote.path("data").path("tags"));

    Map<String, String> params = new TreeMap<>();
    run.params().forEach((k, v) -> {
      String have = remoteParams.get(MetricNames.toMlflow(k));
      if (have == null) {
        params.put(k, v);
      } else if (!have.equals(truncate(v, MlflowGateway.MAX_PARAM_VALUE_LENGTH))) {
        LOG.warn("mlflow sync: param {} of run {} is '{}' on the server but '{}' locally; MLflow params cannot"
            + " change, the server keeps its value", k, runId, have, v);
      }
    });
    gateway.logParams(runId, params);
    st.addParams(run.params().keySet());

    Map<String, String> tags = new TreeMap<>();
    Map<String, String> wanted = new LinkedHashMap<>(run.tags());
    wanted.put(MlflowGateway.RUN_ID_TAG, run.runId());
    if (parent != null) {
      wanted.put(MlflowGateway.PARENT_TAG, parent);
    }
    wanted.forEach((k, v) -> {
      String key = k.startsWith("mlflow.") ? k : MetricNames.toMlflow(k);
      if (!truncate(v, MlflowGateway.MAX_TAG_VALUE_LENGTH).equals(remoteTags.get(key))) {
        tags.put(k, v);
      }
    });
    gateway.setTags(runId, tags);
    st.addTags(wanted.keySet());
    st.write(run.dir());

    List<MetricPoint> missing = new ArrayList<>();
    for (Map.Entry<String, List<MetricPoint>> e : run.historyByKey().entrySet()) {
      // one point per (key, step): the server's, or else the last one logged locally
      Set<Long> have = new HashSet<>();
      for (MetricPoint p : gateway.metricHistory(runId, MetricNames.toMlflow(e.getKey()))) {
        have.add(p.step());
      }
      Map<Long, MetricPoint> byStep = new LinkedHashMap<>();
      for (MetricPoint p : e.getValue()) {
        byStep.put(p.step(), p);
      }
      for (MetricPoint p : byStep.values()) {
        if (have.add(p.step())) {
          missing.add(p);
        }
      }
      st.metrics.put(e.getKey(), byStep.size());
    }
    gateway.logMetrics(runId, missing);
    st.write(run.dir());

    Map<String, Long> remoteArtifacts = gateway.listArtifacts(st.artifactUri);
    int artifactsSent = 0;
    for (ArtifactEntry a : run.artifacts()) {
      Path file = run.dir().resolve(a.path());
      if (!Files.isRegularFile(file)) {
        LOG.warn("mlflow sync: artifact {} of run {} is missing locally; skipped", file, run.dir());
        continue;
      }
      long size = size(file);
      Long have = remoteArtifacts.get(a.artifactPath());
      if (have == null || have != size) {
        gateway.uploadArtifact(st.artifactUri, file, a.artifactPath());
        artifactsSent++;
      }
      if (!st.artifacts.contains(a.artifactPath())) {
        st.artifacts.add(a.artifactPath());
      }
      st.write(run.dir());
    }

    boolean ended = !"RUNNING".equals(run.status());
    boolean statusSent = false;
    if (ended) {
      String want = MlflowGateway.toMlflowStatus(run.status());
      if (!want.equals(remote.path("info").path("status").asText())) {
        gateway.terminate(runId, run.status(), run.endTime() != null ? run.endTime() : System.currentTimeMillis());
        statusSent = true;
      }
      st.endStatus = run.status();
    }
    st.complete = ended;
    st.write(run.dir());

    boolean sent = !params.isEmpty() || !tags.isEmpty() || !missing.isEmpty() || artifactsSent > 0 || statusSent;
    String action = created ? "created" : sent ? "completed" : "up-to-date";
    return new RunResult(run.dir(), runId, action, params.size(), missing.size(), tags.size(), artifactsSent, null);
  }

  /** The MLflow run id of the run's parent: a synced local sibling's, or the recorded id itself. */
  private String mlflowParentOf(LocalRun run) {
    String parent = run.parentRunId();
    if (parent == null) {
      return null;
    }
    Path experimentDir = run.dir().getParent();
    if (experimentDir != null && Files.isDirectory(experimentDir)) {
      for (Path d : LocalRun.find(experimentDir)) {
        if (d.equals(run.dir())) {
          continue;
        }
        LocalRun other = LocalRun.read(d);
        MlflowState os = MlflowState.read(d);
        if (parent.equals(other.runId()) || parent.equals(os.runId)) {
          return os.runId; // null if the parent is not synced: the link is set by a later sync
        }
      }
    }
    return parent.matches("[0-9a-f]{32}") ? parent : null;
  }

  /** Orders runs so that every parent (by local or recorded MLflow id) comes before its children. */
  static List<LocalRun> parentsFirst(List<LocalRun> runs) {
    Map<String, LocalRun> byId = new HashMap<>();
    for (LocalRun r : runs) {
      byId.put(r.runId(), r);
      String m = MlflowState.read(r.dir()).runId;
      if (m != null) {
        byId.put(m, r);
      }
    }
    List<LocalRun> out = new ArrayList<>();
    Set<Path> placed = new LinkedHashSet<>();
    for (LocalRun r : runs) {
      place(r, byId, placed, out, 0);
    }
    return out;
  }

  private static void place(LocalRun r, Map<String, LocalRun> byId, Set<Path> placed, List<LocalRun> out, int depth) {
    if (placed.contains(r.dir())) {
      return;
    }
    LocalRun parent = r.parentRunId() == null ? null : byId.get(r.parentRunId());
    if (parent != null && parent != r && depth < 100) {
      place(parent, byId, placed, out, depth + 1);
    }
    placed.add(r.dir());
    out.add(r);
  }

  private static Map<String, String> keyValues(JsonNode array) {
    Map<String, String> m = new HashMap<>();
    for (JsonNode n : array) {
      m.put(n.path("key").asText(), n.path("value").asText());
    }
    return m;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
