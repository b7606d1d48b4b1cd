package org.towerlab.api.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a tracker needs to start a run.
 *
 * @param experiment experiment name (created in MLflow if missing)
 * @param runName human-readable run name (a grid child carries its varied values)
 * @param runId the local run id (directory name under {@code runs/<experiment>/})
 * @param runDir the local run directory, always written (the local run store)
 * @param parentRunId the tracker's id of the parent run for a grid child, or {@code null}
 * @param tags initial tags (protocol, data hash, component names, version, git commit)
 */
public record RunSpec(String experiment, String runName, String runId, Path runDir, String parentRunId,
    Map<String, String> tags) {

  public RunSpec {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
