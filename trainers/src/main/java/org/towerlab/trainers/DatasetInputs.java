package org.towerlab.trainers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.tracking.DatasetInput;
import org.towerlab.tracking.local.Json;
import org.towerlab.tracking.provenance.Provenance;

/**
 * The run's data set as a {@link DatasetInput}: name, a digest of the content, the source, the
 * interaction log's columns as an MLflow schema and the sizes (rows, queries, items, split parts)
 * as its profile.
 */
final class DatasetInputs {
  private DatasetInputs() {}

  static DatasetInput of(Split split) {
    Dataset d = split.dataset();
    ObjectNode source = Json.MAPPER.createObjectNode();
    String sourceType;
    Path dir = commonDir(d);
    if (dir != null) {
      sourceType = "local";
      source.put("uri", dir.toString());
    } else {
      sourceType = "towerlab";
      source.put("loader", d.name());
    }
    ObjectNode profile = Json.MAPPER.createObjectNode();
    profile.put("num_rows", d.log().size());
    profile.put("queries", d.numQueries());
    profile.put("items", d.numItems());
    profile.put("protocol", split.protocol());
    profile.put("train", split.train().size());
    profile.put("valid", split.valid().size());
    profile.put("test", split.test().size());
    return new DatasetInput(d.name(), digest(d), sourceType, Json.line(source), schema(d.log()), Json.line(profile),
        "training");
  }

  /**
   * 16 hex digits of SHA-256 over the sorted SHA-256 values of the data files, or over the
   * interaction log's content when the data set was generated (no files). Paths do not enter it.
   */
  static String digest(Dataset d) {
    String content;
    if (d.files().isEmpty()) {
      content = d.name() + "\n" + SplitFile.fingerprint(d.log());
    } else {
      TreeSet<String> hashes = new TreeSet<>();
      d.files().values().forEach(spec -> hashes.add(Provenance.DataFile.parse(spec).sha256()));
      content = d.name() + "\n" + String.join("\n", hashes);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The interaction log's columns in MLflow's {@code mlflow_colspec} schema form. */
  static String schema(InteractionLog log) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode cols = root.putArray("mlflow_colspec");
    col(cols, "query", "long");
    col(cols, "item", "long");
    col(cols, "timestamp", "long");
    for (String label : new TreeSet<>(log.labelNames())) {
      col(cols, label, "float");
    }
    if (log.exposed() != null) {
      col(cols, "exposed", "boolean");
    }
    if (log.positions() != null) {
      col(cols, "position", "integer");
    }
    if (log.propensities() != null) {
      col(cols, "propensity", "float");
    }
    if (log.requests() != null) {
      col(cols, "request", "long");
    }
    if (log.stages() != null) {
      col(cols, "stage", "integer");
    }
    return Json.line(root);
  }

  private static void col(ArrayNode cols, String name, String type) {
    cols.addObject().put("type", type).put("name", name).put("required", true);
  }

  /** The folder holding every data file, or null when the data set has none. */
  private static Path commonDir(Dataset d) {
    Path common = null;
    for (String f : d.files().keySet()) {
      Path p = Path.of(f).toAbsolutePath().normalize().getParent();
      if (p == null) {
        continue;
      }
      if (common == null) {
        common = p;
      } else {
        while (common != null && !p.startsWith(common)) {
          common = common.getParent();
        }
      }
    }
    return common;
  }
}
