package org.towerlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.registry.io.Mappers;

/**
 * A replication record: what a config's runs produced on one machine, with the interval a fresh
 * run of the same config and seeds must fall into (the file format of docs/replication.md,
 * {@code <config>.expected.yaml} beside the config). Written by {@code towerlab check RUN_DIR
 * --write-record FILE} from real runs, never by hand; read by {@code towerlab check}.
 *
 * @param experiment the config's {@code name} (the run store's experiment)
 * @param config the config file the runs came from, relative to the repository ({@code mlflow.source.name})
 * @param command the command that produced the runs
 * @param date when the recorded runs were made (ISO-8601, from their {@code provenance.json})
 * @param commit the TowerLab git commit of the recorded runs ({@code -dirty} appended when the tree was dirty)
 * @param machine CPU model, cores, engine threads, OS of the recorded runs
 * @param rule how the intervals were chosen
 * @param methods one entry per method (grid runs that differ only in {@code seed} form one method)
 */
record ReplicationRecord(String experiment, String config, String command, String date, String commit,
    Machine machine, Rule rule, List<Method> methods) {
  /** Version of the file format; a reader refuses other versions. */
  static final int FORMAT = 1;

  ReplicationRecord {
    methods = List.copyOf(methods);
  }

  /** Where the recorded runs ran; {@code threads} is the engine's intra-op thread count. */
  record Machine(String cpu, int cores, String threads, String os) {}

  /**
   * The interval rule: half-width {@code h = max(sigmas * sd / sqrt(n), relative * |mean|, absolute)}
   * around the mean over the n seeds ({@code sd} the sample standard deviation over seeds, 0 for one run).
   */
  record Rule(double sigmas, double relative, double absolute) {
    double halfWidth(double mean, double sd, int n) {
      double se = n > 1 ? sigmas * sd / Math.sqrt(n) : 0;
      return Math.max(se, Math.max(relative * Math.abs(mean), absolute));
    }

    String describe() {
      return "mean +- max(" + fmt(sigmas) + " * sd / sqrt(n), " + fmt(relative) + " * |mean|, " + fmt(absolute) + ")";
    }
  }

  /** A method's runs: its seeds and, per metric, the recorded values and interval. */
  record Method(String name, List<Integer> seeds, Map<String, Metric> metrics) {
    Method {
      seeds = List.copyOf(seeds);
      metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
  }

  /** One metric of a method: the per-seed values, their mean and sd, and the accepted interval. */
  record Metric(double mean, double sd, double low, double high, List<Double> values) {
    Metric {
      values = List.copyOf(values);
    }

    boolean contains(double value) {
      return value >= low && value <= high;
    }
  }

  /** The record's YAML text, with a header saying how it was made. */
  String toYaml() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("format", FORMAT);
    root.put("experiment", experiment);
    root.put("config", config);
    root.put("command", command);
    root.put("date", date);
    root.put("commit", commit);
    ObjectNode m = root.putObject("machine");
    m.put("cpu", machine.cpu());
    m.put("cores", machine.cores());
    m.put("threads", machine.threads());
    m.put("os", machine.os());
    ObjectNode r = root.putObject("interval");
    r.put("rule", rule.describe());
    r.put("sigmas", rule.sigmas());
    r.put("relative", rule.relative());
    r.put("absolute", rule.absolute());
    ArrayNode ms = root.putArray("methods");
    for (Method method : methods) {
      ObjectNode mo = ms.addObject();
      mo.put("method", method.name());
      ArrayNode seeds = mo.putArray("seeds");
      method.seeds().forEach(seeds::add);
      ObjectNode metrics = mo.putObject("metrics");
      method.metrics().forEach((k, v) -> {
        ObjectNode o = metrics.putObject(k);
        o.put("mean", v.mean());
        o.put("sd", v.sd());
        o.put("low", v.low());
        o.put("high", v.high());
        ArrayNode values = o.putArray("values");
        v.values().forEach(values::add);
      });
    }
    try {
      return "# TowerLab replication record (docs/replication.md). Written by towerlab check RUN_DIR --write-record\n"
          + "# from real runs: regenerate it, never edit it by hand. Check a fresh run with towerlab check RUN_DIR.\n"
          + Mappers.YAML.writeValueAsString(root).replaceFirst("^---\\s*\n", "");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes the record to {@code file}, creating its folder. */
  void write(Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, toYaml());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Reads a record file.
   *
   * @throws UserException when the file is missing, is not YAML, or lacks a field (the message names it)
   */
  static ReplicationRecord read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("The replication record " + file + " does not exist. Pass an existing record with"
          + " --record FILE, or write one from a finished run with towerlab check RUN_DIR --write-record FILE.");
    }
    JsonNode root;
    try {
      root = Mappers.YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UserException("The replication record " + file + " is not valid YAML: "
          + e.getMessage().replaceAll("\\s+", " ") + ". Regenerate it with towerlab check RUN_DIR --write-record FILE.", e);
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "$", "is not a mapping");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw bad(file, "$.format", "must be " + FORMAT + ", got " + root.path("format"));
    }
    JsonNode mn = root.path("machine");
    Machine machine = new Machine(mn.path("cpu").asText("unknown"), mn.path("cores").asInt(0),
        mn.path("threads").asText("unknown"), mn.path("os").asText("unknown"));
    JsonNode in = root.path("interval");
    Rule rule = new Rule(in.path("sigmas").asDouble(Double.NaN), in.path("relative").asDouble(Double.NaN),
        in.path("absolute").asDouble(Double.NaN));
    List<Method> methods = new ArrayList<>();
    JsonNode ms = root.path("methods");
    if (!ms.isArray() || ms.isEmpty()) {
      throw bad(file, "$.methods", "must be a non-empty list of methods");
    }
    for (int i = 0; i < ms.size(); i++) {
      JsonNode mo = ms.get(i);
      String at = "$.methods[" + i + "]";
      if (!mo.path("method").isTextual()) {
        throw bad(file, at + ".method", "is missing");
      }
      List<Integer> seeds = new ArrayList<>();
      mo.path("seeds").forEach(s -> seeds.add(s.asInt()));
      Map<String, Metric> metrics = new LinkedHashMap<>();
      JsonNode mets = mo.path("metrics");
      if (!mets.isObject() || mets.isEmpty()) {
        throw bad(file, at + ".metrics", "must map at least one metric to {mean, low, high}");
      }
      var it = mets.fields();
      while (it.hasNext()) {
        var e = it.next();
        JsonNode v = e.getValue();
        String mat = at + ".metrics['" + e.getKey() + "']";
        if (!v.path("low").isNumber() || !v.path("high").isNumber() || !v.path("mean").isNumber()) {
          throw bad(file, mat, "needs numbers mean, low and high");
        }
        if (v.get("low").asDouble() > v.get("high").asDouble()) {
          throw bad(file, mat, "has low " + v.get("low").asDouble() + " above high " + v.get("high").asDouble());
        }
        List<Double> values = new ArrayList<>();
        v.path("values").forEach(x -> values.add(x.asDouble()));
        metrics.put(e.getKey(), new Metric(v.get("mean").asDouble(), v.path("sd").asDouble(0),
            v.get("low").asDouble(), v.get("high").asDouble(), values));
      }
      methods.add(new Method(mo.get("method").asText(), seeds, metrics));
    }
    return new ReplicationRecord(root.path("experiment").asText(""), root.path("config").asText(""),
        root.path("command").asText(""), root.path("date").asText(""), root.path("commit").asText(""), machine,
        rule, methods);
  }

  Method method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
  }

  private static UserException bad(Path file, String path, String what) {
    return new UserException("The replication record " + file + ": " + path + " " + what + ". Regenerate the record"
        + " with towerlab check RUN_DIR --write-record FILE rather than editing it.");
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
        .replaceAll("\\.(e|$)", "$1");
  }
}
