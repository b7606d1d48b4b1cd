package org.towerlab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.towerlab.tracking.local.Json;
import org.towerlab.registry.io.Mappers;

/**
 * The {@code mlflow.log-model.history} tag of a run that logged an MLflow model directory: the list
 * the MLflow UI reads to show the run's models (Python's {@code mlflow.<flavor>.log_model} sets the
 * same tag). Built from the directory's {@code MLmodel} file.
 */
final class MlflowModels {
  private MlflowModels() {}

  /**
   * The tag value for the model in {@code modelDir}, logged at {@code artifactPath} of run
   * {@code runId}: {@code [{"run_id", "artifact_path", "utc_time_created", "flavors", "model_uuid"}]}.
   */
  static String historyTag(Path modelDir, String artifactPath, String runId) {
    JsonNode mlmodel = read(modelDir.resolve("MLmodel"));
    ArrayNode list = Json.MAPPER.createArrayNode();
    ObjectNode entry = list.addObject();
    entry.put("run_id", runId);
    entry.put("artifact_path", artifactPath);
    entry.put("utc_time_created", mlmodel.path("utc_time_created").asText());
    entry.set("flavors", mlmodel.path("flavors"));
    entry.put("model_uuid", mlmodel.path("model_uuid").asText());
    return Json.line(list);
  }

  private static JsonNode read(Path file) {
    try {
      return Mappers.YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the model file " + file + ": " + e.getMessage(), e);
    }
  }
}
