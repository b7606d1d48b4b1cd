package org.towerlab.tracking.mlflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.towerlab.tracking.local.Json;

/**
 * {@code <runDir>/mlflow.json}: where the run lives in MLflow and what has reached the server. The
 * MLflow tracker rewrites it (atomically) after each successful call; {@code towerlab mlflow sync}
 * reads it to reuse the recorded run instead of creating a duplicate. {@code complete} is true only
 * when everything the local store holds has been sent and the end status set.
 *
 * <p>Mutable on purpose: it is a write-through record of progress, owned by one tracker or sync.
 */
public final class MlflowState {
  public static final String FILE = "mlflow.json";

  public String uri;
  public String experimentName;
  public String experimentId;
  public String runId;
  public String artifactUri;
  public String parentRunId;
  /**
   * MLflow run ids the run had on other servers before a sync moved it (newest last): a child that
   * still names its parent by an old id finds it by them.
   */
  public List<String> formerRunIds = new ArrayList<>();
  /** Params sent (TowerLab keys). */
  public List<String> params = new ArrayList<>();
  /** Metric points sent per TowerLab metric key. */
  public Map<String, Integer> metrics = new TreeMap<>();
  /** Tags sent (TowerLab keys). */
  public List<String> tags = new ArrayList<>();
  /** Artifact paths sent. */
  public List<String> artifacts = new ArrayList<>();
  /** End status set on the server, or null. */
  public String endStatus;
  public boolean complete;
  /** Why the last attempt stopped, or null. */
  public String lastError;

  /** Reads {@code runDir/mlflow.json}, or a fresh state if there is none. */
  public static MlflowState read(Path runDir) {
    Path f = runDir.resolve(FILE);
    return Files.isRegularFile(f) ? Json.read(f, MlflowState.class) : new MlflowState();
  }

  public void write(Path runDir) {
    Json.write(runDir.resolve(FILE), this);
  }

  /** Points the state at run {@code newRunId}, remembering the previous run id if it differs. */
  void moveTo(String newRunId) {
    if (runId != null && !runId.equals(newRunId) && !formerRunIds.contains(runId)) {
      formerRunIds.add(runId);
    }
    runId = newRunId;
  }

  /** Whether {@code id} is this run's MLflow id, now or on a server it was synced from. */
  boolean knows(String id) {
    return id != null && (id.equals(runId) || formerRunIds.contains(id));
  }

  void addParams(Iterable<String> keys) {
    for (String k : keys) {
      if (!params.contains(k)) {
        params.add(k);
      }
    }
  }

  void addTags(Iterable<String> keys) {
    for (String k : keys) {
      if (!tags.contains(k)) {
        tags.add(k);
      }
    }
  }
}
