package org.towerlab.trainers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Split;
import org.towerlab.registry.config.LoadedRun;
import org.towerlab.tracking.provenance.Provenance;

/**
 * The tags of a run, as a Python MLflow user expects them:
 * <ul>
 *   <li>what it is: {@code data}, {@code data.name}, {@code data.hash}, {@code protocol},
 *       {@code model}, and {@code sampler}, {@code loss}, {@code trainer} only when the model is
 *       trained (a most-popular floor uses none of them);
 *   <li>its grid values: one tag per grid axis ({@code variant}, {@code sampler.type}, ...) and
 *       always {@code seed}, so that runs can be grouped by method;
 *   <li>MLflow's standard tags: {@code mlflow.runName} (a short name, {@code dat s1}; the local
 *       run keeps the full one, also in {@code towerlab.run_name}), {@code mlflow.source.name}
 *       (the config file), {@code mlflow.source.type} ({@code LOCAL}),
 *       {@code mlflow.source.git.commit}, {@code mlflow.user} and {@code mlflow.note.content}, the
 *       description (method and a one-line config summary).
 * </ul>
 */
final class RunTags {
  private RunTags() {}

  /**
   * @param types the registered name of each config section ({@code model -> two-tower})
   * @param trainable whether the model is trained (else no sampler, loss or trainer tag)
   */
  static Map<String, String> of(LoadedRun run, Map<String, String> types, boolean trainable, Split split,
      String version) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("towerlab.version", version);
    tags.put("towerlab.run_name", run.config().run());
    tags.put("protocol", types.get("protocol"));
    tags.put("data", types.get("data"));
    tags.put("model", types.get("model"));
    if (trainable) {
      tags.put("sampler", types.get("sampler"));
      tags.put("loss", types.get("loss"));
      tags.put("trainer", types.get("trainer"));
    }
    tags.put("data.hash", DatasetInputs.digest(split.dataset()));
    tags.put("data.name", split.dataset().name());
    tags.put("seed", Long.toString(run.config().seed()));
    tags.putAll(RunNames.axes(run.config().run()));
    tags.putAll(source(run.source()));
    tags.put("mlflow.runName", RunNames.shortName(run.config().run()));
    tags.put("mlflow.note.content", description(run, types, trainable, split));
    return tags;
  }

  /** {@code mlflow.source.*} and {@code mlflow.user}: the config file, the git commit, the user. */
  static Map<String, String> source(Path config) {
    Map<String, String> tags = new LinkedHashMap<>();
    String rootProp = System.getProperty("towerlab.repo.root");
    Path root = (rootProp == null ? Path.of("") : Path.of(rootProp)).toAbsolutePath().normalize();
    Path abs = config.toAbsolutePath().normalize();
    tags.put("mlflow.source.name", abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString());
    tags.put("mlflow.source.type", "LOCAL");
    String commit = Provenance.GitInfo.of(root).commit();
    if (!"unknown".equals(commit)) {
      tags.put("mlflow.source.git.commit", commit);
    }
    String user = System.getProperty("user.name");
    if (user != null && !user.isBlank()) {
      tags.put("mlflow.user", user);
    }
    return tags;
  }

  /**
   * The run's description: the method in bold and a one-line summary of its config, e.g.
   * {@code **two-tower** (mlp / mlp, cosine t=0.1), sampler in-batch, loss sampled-softmax, plain
   * trainer (15 epochs) on ml-100k, per-user-ratio split (train 66,868, valid 7,826, test 7,826).}
   */
  static String description(LoadedRun run, Map<String, String> types, boolean trainable, Split split) {
    JsonNode e = run.effective();
    JsonNode model = e.path("model");
    StringBuilder sb = new StringBuilder("**").append(types.get("model")).append("**");
    List<String> parts = new ArrayList<>();
    if (model.has("query-tower") || model.has("item-tower")) {
      parts.add(model.path("query-tower").path("type").asText("?") + " / " + model.path("item-tower").path("type")
          .asText("?"));
    }
    if (model.has("interaction")) {
      JsonNode i = model.path("interaction");
      parts.add(i.path("type").asText() + (i.has("temperature") ? " t=" + i.path("temperature").asText() : ""));
    }
    if (!parts.isEmpty()) {
      sb.append(" (").append(String.join(", ", parts)).append(')');
    }
    if (trainable) {
      JsonNode t = e.path("trainer");
      sb.append(", sampler ").append(types.get("sampler")).append(", loss ").append(types.get("loss")).append(", ")
          .append(types.get("trainer")).append(" trainer");
      if (t.has("epochs")) {
        sb.append(" (").append(t.path("epochs").asText()).append(" epochs)");
      }
    }
    sb.append(String.format(java.util.Locale.ROOT, " on %s, %s split (train %,d, valid %,d, test %,d).",
        split.dataset().name(), split.protocol(), split.train().size(), split.valid().size(), split.test().size()));
    Map<String, String> axes = RunNames.axes(run.config().run());
    if (!axes.isEmpty()) {
      sb.append(" Grid values: ").append(String.join(", ", axes.entrySet().stream()
          .map(x -> x.getKey() + "=" + x.getValue()).toList())).append('.');
    }
    sb.append(" Config: ").append(run.source().getFileName()).append('.');
    return sb.toString();
  }
}
