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
