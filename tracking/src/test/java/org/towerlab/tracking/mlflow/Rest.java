package org.towerlab.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.tracking.local.Json;

/** Independent REST reads for the tests (plain HttpClient, no TowerLab code on the path). */
final class Rest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Rest() {}

  static JsonNode get(String uri, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri + "/api/2.0/" + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
      }
      return Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    }
  }

  static JsonNode post(String uri, String path, String body) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri + "/api/2.0/" + path))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("POST " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
      }
      return Json.MAPPER.readTree(r.body());
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError("POST " + path + " failed: " + e, e);
    }
  }

  static byte[] bytes(String uri, String path) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri + "/api/2.0/" + path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " -> HTTP " + r.statusCode());
    }
    return r.body();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static JsonNode run(String uri, String runId) {
    return get(uri, "mlflow/runs/get?run_id=" + runId).get("run");
  }

  static Map<String, String> params(String uri, String runId) {
    return kv(run(uri, runId).path("data").path("params"));
  }

  static Map<String, String> tags(String uri, String runId) {
    return kv(run(uri, runId).path("data").path("tags"));
  }

  /** (step, value) pairs of a metric, sorted by step then timestamp. */
  static List<double[]> history(String uri, String runId, String key) {
    List<double[]> out = new ArrayList<>();
    for (JsonNode m : get(uri, "mlflow/metrics/get-history?run_id=" + runId + "&metric_key=" + enc(key))
        .path("metrics")) {
      out.add(new double[] {m.get("step").asDouble(), m.get("value").asDouble(), m.get("timestamp").asDouble()});
    }
    out.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[2], b[2]));
    return out;
  }

  /** Run ids of an experiment (all, with paging). */
  static List<String> runIds(String uri, String experimentName) {
    String expId = get(uri, "mlflow/experiments/get-by-name?experiment_name=" + enc(experimentName))
        .at("/experiment/experiment_id").asText();
    JsonNode res = post(uri, "mlflow/runs/search", "{\"experiment_ids\":[\"" + expId + "\"],\"max_results\":1000}");
    List<String> ids = new ArrayList<>();
    res.path("runs").forEach(r -> ids.add(r.at("/info/run_id").asText()));
    return ids;
  }

  static Map<String, String> kv(JsonNode array) {
    Map<String, String> m = new HashMap<>();
    array.forEach(n -> m.put(n.get("key").asText(), n.get("value").asText()));
    return m;
  }
}
