package org.towerlab.trainers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.towerlab.tracking.local.AtomicFiles;

/**
 * The trained model as an MLflow model directory, {@code <run dir>/model/}, which the runner logs
 * as the run's model:
 *
 * <pre>
 * MLmodel                 flavors: towerlab (checkpoint, embeddings) and, for dot and cosine
 *                         interactions, python_function
 * requirements.txt        numpy, pandas
 * code/towerlab_pyfunc.py the pyfunc loader: scores from the embeddings (see its docstring)
 * data/model.json         interaction, temperature, dims
 * data/queries.npy, data/items.npy, data/embeddings.json   the exported embeddings
 * data/checkpoint/best.ckpt                                the kept weights (TowerLab's format)
 * </pre>
 *
 * The python_function flavor is written only when the score is a function of the two exported
 * vectors that the loader reproduces exactly: the {@code dot} and {@code cosine} interactions.
 * Other interactions (max-sim, dnn, poly, ...) keep the towerlab flavor only.
 */
final class ModelExport {
  static final String DIR = "model";
  private static final String LOADER = "towerlab_pyfunc";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private ModelExport() {}

  /**
   * Writes {@code runDir/model/} from {@code runDir/embeddings/} and the best checkpoint; returns
   * the directory, or null when the run exported no embeddings.
   *
   * @param effective the run's effective config (its model.interaction)
   * @param runId the tracker's run id, recorded in MLmodel
   */
  static Path write(Path runDir, JsonNode effective, String runId, String version) {
    Path emb = runDir.resolve("embeddings");
    if (!Files.isRegularFile(emb.resolve("items.npy")) || !Files.isRegularFile(emb.resolve("queries.npy"))) {
      return null;
    }
    Path dir = runDir.resolve(DIR);
    Path data = dir.resolve("data");
    AtomicFiles.copy(emb.resolve("items.npy"), data.resolve("items.npy"));
    AtomicFiles.copy(emb.resolve("queries.npy"), data.resolve("queries.npy"));
    AtomicFiles.copy(emb.resolve("embeddings.json"), data.resolve("embeddings.json"));
    Path best = runDir.resolve("checkpoints").resolve("best.ckpt");
    boolean checkpoint = Files.isRegularFile(best);
    if (checkpoint) {
      AtomicFiles.copy(best, data.resolve("checkpoint").resolve("best.ckpt"));
    }
    JsonNode interaction = effective.path("model").path("interaction");
    String type = interaction.path("type").asText("");
    boolean pyfunc = type.equals("dot") || type.equals("cosine");
    String temperature = interaction.has("temperature") ? interaction.path("temperature").asText() : "1.0";
    ExperimentRunner.writeText(data.resolve("model.json"), "{\n  \"interaction\": \"" + type + "\",\n"
        + "  \"temperature\": " + temperature + ",\n  \"embeddings\": \"embeddings.json\"\n}\n");
    StringBuilder m = new StringBuilder();
    m.append("artifact_path: ").append(DIR).append('\n');
    m.append("flavors:\n");
    if (pyfunc) {
      ExperimentRunner.writeText(dir.resolve("code").resolve(LOADER + ".py"), resource(LOADER + ".py"));
      ExperimentRunner.writeText(dir.resolve("requirements.txt"), "numpy\npandas\n");
      m.append("  python_function:\n");
      m.append("    loader_module: ").append(LOADER).append('\n');
      m.append("    code: code\n");
      m.append("    data: data\n");
    }
    m.append("  towerlab:\n");
    m.append("    format: 1\n");
    m.append("    towerlab_version: ").append(version).append('\n');
    m.append("    interaction: ").append(type.isEmpty() ? "none" : type).append('\n');
    m.append("    embeddings: data/embeddings.json\n");
    if (checkpoint) {
      m.append("    checkpoint: data/checkpoint/best.ckpt\n");
    }
    if (pyfunc) {
      m.append("signature:\n");
      m.append("  inputs: '[{\"type\": \"long\", \"name\": \"query\", \"required\": true}, {\"type\": \"long\",")
          .append(" \"name\": \"item\", \"required\": false}]'\n");
      m.append("  outputs: null\n");
      m.append("  params: '[{\"name\": \"k\", \"type\": \"long\", \"default\": 10, \"shape\": null}]'\n");
    }
    m.append("model_uuid: ").append(UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8)).toString()
        .replace("-", "")).append('\n');
    m.append("run_id: ").append(runId).append('\n');
    m.append("utc_time_created: '").append(TIME.format(Instant.now())).append("'\n");
    ExperimentRunner.writeText(dir.resolve("MLmodel"), m.toString());
    return dir;
  }

  private static String resource(String name) {
    try (InputStream in = ModelExport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the trainers jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
