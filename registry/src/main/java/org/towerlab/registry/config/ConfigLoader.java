package org.towerlab.registry.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.config.ExperimentConfig;
import org.towerlab.api.config.RuntimeConfig;
import org.towerlab.api.config.SummaryConfig;
import org.towerlab.api.config.TuneConfig;
import org.towerlab.registry.Registration;
import org.towerlab.registry.Registry;
import org.towerlab.registry.Suggestions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads an experiment config file into one {@link ExperimentConfig} per run.
 *
 * <ol>
 *   <li>parse {@code .yaml}, {@code .yml} or {@code .json} (syntax errors name the line and column);
 *   <li>interpolate {@code ${VAR}} and {@code ${VAR:-default}} in string values ({@code $${} is a
 *       literal {@code ${});
 *   <li>apply {@code --set a.b.c=value} overrides, the value read as a YAML flow value
 *       ({@code seed=3}, {@code sampler={type: mixed}}, {@code evaluators.0.ks=[10,20]},
 *       {@code grid.seed=[1,2]});
 *   <li>expand the top-level {@code grid:} block ({@code {dotted.path: [v1, v2], ...}}) into the
 *       cartesian product of child runs, first key varying slowest; a child's {@code run} is the base
 *       run name plus {@code [path=value,...]};
 *   <li>fill absent sections with the defaults ({@code sampler: {type: in-batch}}, {@code loss:
 *       {type: sampled-softmax}}, {@code trainer: {type: plain}}, {@code evaluators: [{type: topk}]},
 *       {@code tracking: {type: local}}) when those names are registered (a section given without
 *       {@code type:} gets the default type); {@code data} and
 *       {@code model} are required;
 *   <li>take the top-level {@code summary:} section (how a seed grid's summary tests methods,
 *       {@link SummaryConfig}) off the tree, like {@code grid:}: it changes no run, so it is not
 *       part of the runs' effective configs and ids; the same for the {@code tune:} section
 *       ({@link TuneConfig}: a hyperparameter search the runner does before the runs) and the
 *       top-level {@code runtime:} section ({@link RuntimeConfig}: engine threads);
 *   <li>bind each child to {@link ExperimentConfig}; every binding error becomes a
 *       {@link UserException} naming the file, the line when the key is in the file, the JSON path,
 *       and what is expected.
 * </ol>
 */
public final class ConfigLoader {
  /** The largest config file read, in bytes. */
  public static final long MAX_CONFIG_BYTES = 1 << 20;
  private static final List<Default> DEFAULTS = List.of(
      new Default("sampler", Kind.SAMPLER, "in-batch", false),
      new Default("loss", Kind.LOSS, "sampled-softmax", false),
      new Default("trainer", Kind.TRAINER, "plain", false),
      new Default("evaluators", Kind.EVALUATOR, "topk", true),
      new Default("tracking", Kind.TRACKER, "local", false));

  private final Registry registry;
  private final ObjectMapper yaml;
  private final ObjectMapper json;

  public ConfigLoader(Registry registry) {
    this.registry = registry;
    this.yaml = registry.mapper();
    this.json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  /** The bound runs of {@code file}: one, or one per grid child. */
  public List<ExperimentConfig> load(Path file, List<String> overrides, Map<String, String> env) {
    return loadRuns(file, overrides, env).stream().map(LoadedRun::config).toList();
  }

  /** Like {@link #load}, with each run's raw and effective config trees and its grid values. */
  public List<LoadedRun> loadRuns(Path file, List<String> overrides, Map<String, String> env) {
    Source src = parse(file);
    ObjectNode root = (ObjectNode) interpolate(src.tree(), "$", env, src);
    List<Override> applied = new ArrayList<>();
    for (String override : overrides) {
      Override o = applyOverride(root, override, src);
      if (o != null) {
        applied.add(o);
      }
    }
    SummaryConfig summary = summary(root, src);
    TuneConfig tune = tune(root, src);
    RuntimeConfig runtime = runtime(root, src);
    List<LoadedRun> runs = new ArrayList<>();
    List<Child> children = expandGrid(root, src, applied);
    for (Child child : children) {
      Source childSrc = children.size() > 1 ? src.forRun(child.tree().path("run").asText()) : src;
      ObjectNode withDefaults = withDefaults(child.tree(), childSrc);
      ExperimentConfig cfg = bind(withDefaults, childSrc);
      runs.add(new LoadedRun(file, cfg, child.tree(), registry.effective(cfg), child.gridValues(), summary, tune,
          runtime));
    }
    return List.copyOf(runs);
  }

  /**
   * {@code run} with config values replaced (a tuning trial, or the chosen configuration): each
   * dotted path of {@code values} is set in a copy of the run's raw tree, the run is renamed
   * {@code runName}, and the tree is completed with the defaults and bound again. The result keeps
   * the run's grid values and {@code summary}, and has no {@code tune} section.
   *
   * @param origin names the values in error messages (for example {@code "tune.space"})
   * @throws org.towerlab.api.UserException when a value does not bind (wrong type, unknown key)
   */
  public LoadedRun withValues(LoadedRun run, Map<String, JsonNode> values, String runName, String origin) {
    ObjectNode tree = ((ObjectNode) run.raw()).deepCopy();
    Source src = new Source(run.source(), tree, null).forRun(runName);
    for (Map.Entry<String, JsonNode> e : values.entrySet()) {
      List<String> segs = segments(e.getKey(), origin + " entry '" + e.getKey() + "'", src);
      src.inject(segs, origin + " entry '" + e.getKey() + "'");
      set(tree, segs, e.getValue().deepCopy(), origin + " entry '" + e.getKey() + "'", src);
    }
    tree.put("run", runName);
    ExperimentConfig cfg = bind(withDefaults(tree, src), src);
    return new LoadedRun(run.source(), cfg, tree, registry.effective(cfg), run.gridValues(), run.summary(), null,
        run.runtime());
  }

  /**
   * Binds a complete config tree (for example an effective config read back from a run directory).
   *
   * @param source named in error messages
   */
  public ExperimentConfig bind(JsonNode tree, String source) {
    return bind(tree, new Source(Path.of(source), tree, null));
  }

  // ---------------------------------------------------------------- parsing

  private Source parse(Path file) {
    if (Files.isDirectory(file)) {
      throw new UserException("Config path " + file + " is a directory, not a config file. Pass a .yaml, .yml or"
          + " .json file" + configsIn(file) + ".");
    }
    if (!Files.exists(file)) {
      throw new UserException("Config file " + file + " does not exist (working directory "
          + Path.of("").toAbsolutePath() + "). Check the path.");
    }
    if (!Files.isRegularFile(file)) {
      throw new UserException("Config path " + file + " is not a regular file (a device, pipe or socket). Pass a"
          + " .yaml, .yml or .json file.");
    }
    String lower = file.getFileName().toString().toLowerCase();
    ObjectMapper m;
    if (lower.endsWith(".json")) {
      m = json;
    } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      m = yaml;
    } else {
      throw new UserException("Config file " + file + " must end in .yaml, .yml or .json.");
    }
    String text = readText(file);
    JsonNode tree;
    try {
      tree = m.readTree(text);
    } catch (JsonProcessingException e) {
      throw syntaxError(file, text, e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new UserException("Config file " + file + " is empty. It needs at least `data:` and `model:`.");
    }
    if (!tree.isObject()) {
      throw new UserException("Config file " + file + " must hold a mapping (keys such as `data:` and `model:`)"
          + " at the top level, not a " + tree.getNodeType().toString().toLowerCase() + ".");
    }
    return new Source(file, tree, LineIndex.of(m, text));
  }

  /**
   * The file as UTF-8 text; a binary file (NUL bytes, undecodable bytes) is refused as such, and so
   * is a file over {@link #MAX_CONFIG_BYTES} (a config is a small text file, and the YAML parser is
   * slow on huge scalars).
   */
  private static String readText(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw new UserException("Config file " + file + " is " + String.format(java.util.Locale.ROOT, "%,d", size)
            + " bytes; a config is a small text file (at most " + String.format(java.util.Locale.ROOT, "%,d",
                MAX_CONFIG_BYTES) + " bytes). Pass the experiment's .yaml or .json config, and keep data in data"
            + " files.");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UserException("Cannot read config file " + file + ": " + e.getMessage() + ". Check that it is"
          + " readable.", e);
    }
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new UserException("Config file " + file + " is a binary file (it holds a NUL byte at offset " + i
            + "), not YAML or JSON text. Pass the experiment's .yaml or .json config.");
      }
    }
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      int line = 1;
      int offset = 0;
      java.nio.charset.CharsetDecoder d = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
      java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
      d.decode(in, out, true); // stops at the first malformed byte
      offset = in.position();
      for (int i = 0; i < offset; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new UserException("Config file " + file + " is not UTF-8 text: the bytes at offset " + offset
          + " (line " + line + ") are not valid UTF-8. A config is a YAML or JSON text file; if this one was saved"
          + " in another encoding, save it as UTF-8.", e);
    }
  }

  /** " (this directory holds a.yaml, b.yaml)" or "". */
  private static String configsIn(Path dir) {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json")).sorted().limit(5).toList();
      return names.isEmpty() ? "" : " (this directory holds " + String.join(", ", names) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static UserException syntaxError(Path file, String text, JsonProcessingException e) {
    int line = -1;
    int column = -1;
    String problem = e.getOriginalMessage();
    Throwable cause = e.getCause();
    if (cause instanceof MarkedYAMLException y && y.getProblemMark() != null) {
      Mark mark = y.getProblemMark();
      line = mark.getLine() + 1;
      column = mark.getColumn() + 1;
      problem = (y.getContext() == null ? "" : y.getContext() + ": ") + y.getProblem();
    } else {
      JsonLocation loc = e.getLocation();
      if (loc != null) {
        line = loc.getLineNr();
        column = loc.getColumnNr();
      }
    }
    problem = problem == null ? "" : problem.replaceAll("\\s+", " ").trim();
    String where = line > 0 ? " at line " + line + ", column " + column : "";
    String excerpt = "";
    String[] lines = text.split("\\R", -1);
    if (line > 0 && line <= lines.length && !lines[line - 1].isBlank()) {
      excerpt = " (line " + line + " reads `" + lines[line - 1].strip() + "`)";
    }
    return new UserException("Syntax error in config file " + file + where + ": " + problem + excerpt
        + ". Fix the file (indentation, colons and brackets are the usual suspects).", e);
  }

  // ---------------------------------------------------------------- interpolation

  private JsonNode interpolate(JsonNode node, String path, Map<String, String> env, Source src) {
    if (node.isObject()) {
      ObjectNode obj = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        obj.set(name, interpolate(obj.get(name), path + "." + name, env, src));
      }
      return obj;
    }
    if (node.isArray()) {
      ArrayNode arr = (ArrayNode) node;
      for (int i = 0; i < arr.size(); i++) {
        arr.set(i, interpolate(arr.get(i), path + "[" + i + "]", env, src));
      }
      return arr;
    }
    if (node.isTextual() && node.asText().contains("${")) {
      return TextNode.valueOf(substitute(node.asText(), path, env, src));
    }
    return node;
  }

  private static String substitute(String s, String path, Map<String, String> env, Source src) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (s.startsWith("${", i)) {
        int end = s.indexOf('}', i);
        if (end < 0) {
          throw new UserException(src.where(path) + "Unterminated variable reference in '" + s + "' at " + path
              + ". Write ${NAME} or ${NAME:-default} (or $${ for a literal ${).");
        }
        String body = s.substring(i + 2, end);
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new UserException(src.where(path) + "Bad variable name '" + name + "' in '" + s + "' at " + path
              + ". Variable names are letters, digits and underscores: ${NAME} or ${NAME:-default}.");
        }
        String value = env.get(name);
        if (value == null) {
          if (sep < 0) {
            throw new UserException(src.where(path) + "Undefined variable ${" + name + "} at " + path
                + ". Set the environment variable " + name + " or give a default: ${" + name + ":-value}.");
          }
          value = body.substring(sep + 2);
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(s.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- overrides

  /** A {@code --set} outside {@code grid.}: its path and value, re-applied over grid values that would shadow it. */
  private record Override(String text, List<String> segments, JsonNode value) {}

  private Override applyOverride(ObjectNode root, String override, Source src) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new UserException("Bad override '--set " + override + "' for " + src.file()
          + ": write --set dotted.path=value, for example --set seed=3 or --set sampler={type: mixed}.");
    }
    String key = override.substring(0, eq).trim();
    String text = override.substring(eq + 1);
    JsonNode value;
    try {
      value = text.isBlank() ? TextNode.valueOf(text) : yaml.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UserException("Cannot parse the value of override '--set " + override + "' for " + src.file()
          + ": " + (e.getCause() instanceof MarkedYAMLException y ? y.getProblem() : e.getOriginalMessage())
              .replaceAll("\\s+", " ").trim()
          + ". Write the value as YAML flow, for example 3, mixed, [10, 20] or {type: mixed}.", e);
    }
    if (value == null || value.isMissingNode()) {
      value = TextNode.valueOf("");
    }
    List<String> segments = segments(key, "override '--set " + override + "'", src);
    if (segments.get(0).equals("grid") && segments.size() > 1) {
      JsonNode grid = root.get("grid");
      if (grid == null || grid.isNull()) {
        grid = root.putObject("grid");
      } else if (!grid.isObject()) {
        throw new UserException("Cannot apply override '--set " + override + "' to " + src.file()
            + ": $.grid is not a mapping.");
      }
      ((ObjectNode) grid).set(String.join(".", segments.subList(1, segments.size())), value);
      src.inject(List.of("grid", String.join(".", segments.subList(1, segments.size()))), "--set " + override);
      src.inject(segments.subList(1, segments.size()), "--set " + override);
      return null;
    }
    set(root, segments, value, "override '--set " + override + "'", src);
    src.inject(segments, "--set " + override);
    return new Override(override, segments, value);
  }

  private static List<String> segments(String dotted, String what, Source src) {
    String normalized = dotted.replaceAll("\\[(\\d+)]", ".$1");
    List<String> segs = List.of(normalized.split("\\.", -1));
    if (segs.isEmpty() || segs.stream().anyMatch(String::isBlank)) {
      throw new UserException("Bad path '" + dotted + "' in " + what + " for " + src.file()
          + ": use dot-separated keys and list indexes, for example model.query-tower.dims or evaluators.0.ks.");
    }
    return segs;
  }

  /** Sets {@code value} at {@code segments} under {@code root}, creating mappings on the way. */
  private static void set(ObjectNode root, List<String> segments, JsonNode value, String what, Source src) {
    JsonNode cur = root;
    String path = "$";
    for (int i = 0; i < segments.size(); i++) {
      String seg = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (cur.isObject()) {
        ObjectNode obj = (ObjectNode) cur;
        if (last) {
          obj.set(seg, value);
          return;
        }
        JsonNode next = obj.get(seg);
        if (next == null || next.isNull()) {
          next = isIndex(segments.get(i + 1)) ? obj.putArray(seg) : obj.putObject(seg);
        }
        cur = next;
        path = path + "." + seg;
      } else if (cur.isArray()) {
        ArrayNode arr = (ArrayNode) cur;
        if (!isIndex(seg)) {
          throw new UserException("Cannot apply " + what + " to " + src.file() + ": " + path
              + " is a list, so the next key must be an index (0, 1, ...), not '" + seg + "'.");
        }
        int idx = Integer.parseInt(seg);
        if (idx > arr.size()) {
          throw new UserException("Cannot apply " + what + " to " + src.file() + ": index " + idx
              + " is out of range, " + path + " has " + arr.size() + " entries.");
        }
        if (last) {
          if (idx == arr.size()) {
            arr.add(value);
          } else {
            arr.set(idx, value);
          }
          return;
        }
        if (idx == arr.size()) {
          arr.add(isIndex(segments.get(i + 1)) ? arr.arrayNode() : arr.objectNode());
        }
        cur = arr.get(idx);
        path = path + "[" + idx + "]";
      } else {
        throw new UserException("Cannot apply " + what + " to " + src.file() + ": " + path + " is the value '"
            + cur.asText() + "', not a mapping or a list, so it has no key '" + seg + "'.");
      }
    }
  }

  private static String pathOf(List<String> segments) {
    StringBuilder sb = new StringBuilder("$");
    for (String seg : segments) {
      sb.append(isIndex(seg) ? "[" + seg + "]" : "." + seg);
    }
    return sb.toString();
  }

  private static boolean isIndex(String seg) {
    return seg.matches("\\d{1,9}");
  }

  // ---------------------------------------------------------------- summary

  /** Holder so that binding errors name {@code $.summary.<key>}. */
  private record SummarySection(SummaryConfig summary) {}

  /** Removes {@code summary:} from {@code root} and binds it (defaults when absent). */
  private SummaryConfig summary(ObjectNode root, Source src) {
    JsonNode node = root.remove(SUMMARY);
    if (node == null || node.isNull()) {
      return SummaryConfig.DEFAULT;
    }
    if (!node.isObject()) {
      throw new UserException(src.where("$.summary") + "$.summary must be a mapping, for example `summary:"
          + " {primary-metric: recall@20}`, got " + node + ".");
    }
    ObjectNode holder = JsonNodeFactory.instance.objectNode();
    holder.set(SUMMARY, node);
    try {
      return yaml.treeToValue(holder, SummarySection.class).summary();
    } catch (JsonMappingException e) {
      throw translate(e, holder, src);
    } catch (JsonProcessingException e) {
      throw new UserException(src.where("$.summary") + e.getOriginalMessage(), e);
    }
  }

  static final String SUMMARY = "summary";
  static final String TUNE = "tune";

  /** Holder so that binding errors name {@code $.tune.<key>}. */
  private record TuneSection(TuneConfig tune) {}

  /** Removes {@code tune:} from {@code root} and binds it (null when absent). */
  private TuneConfig tune(ObjectNode root, Source src) {
    JsonNode node = root.remove(TUNE);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new UserException(src.where("$.tune") + "$.tune must be a mapping, for example `tune: {trials: 12,"
          + " space: {trainer.learning-rate: {log-uniform: [0.0005, 0.01]}}}`, got " + node + ".");
    }
    ObjectNode holder = JsonNodeFactory.instance.objectNode();
    holder.set(TUNE, node);
    try {
      return yaml.treeToValue(holder, TuneSection.class).tune();
    } catch (JsonMappingException e) {
      throw translate(e, holder, src);
    } catch (JsonProcessingException e) {
      throw new UserException(src.where("$.tune") + e.getOriginalMessage(), e);
    }
  }

  /** Holder so that binding errors name {@code $.runtime.<key>}. */
  private record RuntimeSection(RuntimeConfig runtime) {}

  /** Removes {@code runtime:} from {@code root} and binds it (defaults when absent). */
  private RuntimeConfig runtime(ObjectNode root, Source src) {
    JsonNode node = root.remove(RUNTIME);
    if (node == null || node.isNull()) {
      return RuntimeConfig.DEFAULT;
    }
    if (!node.isObject()) {
      throw new UserException(src.where("$.runtime") + "$.runtime must be a mapping, for example `runtime:"
          + " {threads: 1}`, got " + node + ".");
    }
    ObjectNode holder = JsonNodeFactory.instance.objectNode();
    holder.set(RUNTIME, node);
    try {
      return yaml.treeToValue(holder, RuntimeSection.class).runtime();
    } catch (JsonMappingException e) {
      throw translate(e, holder, src);
    } catch (JsonProcessingException e) {
      throw new UserException(src.where("$.runtime") + e.getOriginalMessage(), e);
    }
  }

  static final String RUNTIME = "runtime";

  // ---------------------------------------------------------------- grid

  private record Child(ObjectNode tree, Map<String, Object> gridValues) {}

  /**
   * Expands the grid. A {@code --set} whose path a grid entry of a child replaces (the entry's path
   * equals the override's or is a prefix of it: a variant's {@code model:} replaces
   * {@code --set model.item-tower.output-dim=16}) is applied again over that child, so the command
   * line always has the last word instead of being dropped silently; where it no longer fits (a
   * key the variant's component does not have) binding refuses it, naming the {@code --set}.
   */
  private List<Child> expandGrid(ObjectNode root, Source src, List<Override> overrides) {
    JsonNode grid = root.remove("grid");
    if (grid == null || grid.isNull() || (grid.isObject() && grid.isEmpty())) {
      return List.of(new Child(root, Map.of()));
    }
    if (!grid.isObject()) {
      throw new UserException(src.where("$.grid") + "$.grid must be a mapping from dotted paths to lists of"
          + " values, for example `grid: {seed: [1, 2], sampler.type: [in-batch, mixed]}`.");
    }
    List<String> paths = new ArrayList<>();
    List<ArrayNode> values = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = grid.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isArray() || e.getValue().isEmpty()) {
        throw new UserException(src.where("$.grid." + e.getKey()) + "The grid entry '" + e.getKey()
            + "' must be a non-empty list of values, got " + e.getValue() + ". Write for example `"
            + e.getKey() + ": [1, 2]`.");
      }
      paths.add(e.getKey());
      values.add((ArrayNode) e.getValue());
      src.injected().putIfAbsent(pathOf(segments(e.getKey(), "grid entry '" + e.getKey() + "'", src)),
          "grid entry '" + e.getKey() + "'");
    }
    List<List<String>> axisLabels = new ArrayList<>();
    for (int k = 0; k < paths.size(); k++) {
      axisLabels.add(paths.get(k).equals(VARIANT) ? List.of() : distinctLabels(values.get(k)));
    }
    String base = root.hasNonNull("run") ? root.get("run").asText()
        : root.hasNonNull("name") ? root.get("name").asText() : "default";
    List<Child> children = new ArrayList<>();
    int[] idx = new int[paths.size()];
    while (true) {
      ObjectNode child = root.deepCopy();
      Map<String, Object> gridValues = new LinkedHashMap<>();
      List<String> labels = new ArrayList<>();
      List<List<String>> setPaths = new ArrayList<>();
      for (int k = 0; k < paths.size(); k++) {
        JsonNode v = values.get(k).get(idx[k]);
        String path = paths.get(k);
        if (path.equals(VARIANT)) {
          labels.add(VARIANT + "=" + applyVariant(child, v, idx[k], src));
          for (Iterator<String> f = v.fieldNames(); f.hasNext(); ) {
            String key = f.next();
            if (!key.equals("name")) {
              setPaths.add(segments(key, "grid variant entry '" + key + "'", src));
            }
          }
        } else {
          List<String> segs = segments(path, "grid entry '" + path + "'", src);
          set(child, segs, v.deepCopy(), "grid entry '" + path + "'", src);
          setPaths.add(segs);
          labels.add(path + "=" + axisLabels.get(k).get(idx[k]));
        }
        gridValues.put(path, toJava(v));
      }
      for (Override o : overrides) {
        boolean shadowed = setPaths.stream().anyMatch(g -> g.size() <= o.segments().size()
            && o.segments().subList(0, g.size()).equals(g));
        if (shadowed) {
          set(child, o.segments(), o.value().deepCopy(), "override '--set " + o.text() + "'", src);
        }
      }
      child.put("run", base + "[" + String.join(",", labels) + "]");
      children.add(new Child(child, Collections.unmodifiableMap(gridValues)));
      int k = paths.size() - 1;
      while (k >= 0 && ++idx[k] == values.get(k).size()) {
        idx[k] = 0;
        k--;
      }
      if (k < 0) {
        return children;
      }
    }
  }

  /**
   * The grid key whose values are whole variants: mappings from dotted paths to values, applied
   * together, plus an optional {@code name} used in the run name. Lets one grid axis vary several
   * sections at once (a method = model + sampler + loss), crossed with the other axes (seeds).
   */
  static final String VARIANT = "variant";

  private String applyVariant(ObjectNode child, JsonNode v, int index, Source src) {
    if (!v.isObject()) {
      throw new UserException(src.where("$.grid.variant") + "Each entry of grid.variant must be a mapping such as"
          + " `{name: ebr, sampler: {type: ebr-online-hard}, loss: {type: hinge}}`, got " + v + ".");
    }
    String name = v.hasNonNull("name") ? v.get("name").asText() : String.valueOf(index + 1);
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("name")) {
        continue;
      }
      String origin = "grid variant '" + name + "' entry '" + e.getKey() + "'";
      List<String> segs = segments(e.getKey(), origin, src);
      src.injected().putIfAbsent(pathOf(segs), origin);
      set(child, segs, e.getValue().deepCopy(), origin, src);
    }
    return name;
  }

  /**
   * Labels of one axis's values; values that would print alike (two {@code two-tower} models
   * with different towers) get {@code #1}, {@code #2}, ... so that every child has its own name.
   */
  private static List<String> distinctLabels(ArrayNode values) {
    List<String> labels = new ArrayList<>();
    for (JsonNode v : values) {
      labels.add(label(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      String l = labels.get(i);
      boolean repeated = java.util.Collections.frequency(labels, l) > 1;
      out.add(repeated ? l + "#" + (labels.subList(0, i).stream().filter(l::equals).count() + 1) : l);
    }
    return out;
  }

  private static String label(JsonNode v) {
    if (v.isObject() && v.hasNonNull("type")) {
      return v.get("type").asText();
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  private Object toJava(JsonNode v) {
    try {
      return yaml.treeToValue(v, Object.class);
    } catch (JsonProcessingException e) {
      return v.toString();
    }
  }

  // ---------------------------------------------------------------- defaults

  private record Default(String key, Kind kind, String name, boolean list) {}

  private ObjectNode withDefaults(ObjectNode tree, Source src) {
    for (String required : List.of("data", "model")) {
      if (!tree.hasNonNull(required)) {
        Kind kind = required.equals("data") ? Kind.DATA : Kind.MODEL;
        throw new UserException(src.file() + ": the config has no `" + required + ":` section"
            + (tree.hasNonNull("run") ? " (run " + tree.get("run").asText() + ")" : "") + ". Add `"
            + required + ":` with `type:` one of " + registry.names(kind) + ".");
      }
    }
    ObjectNode out = tree.deepCopy();
    for (Default d : DEFAULTS) {
      if (registry.find(d.kind(), d.name()).isEmpty()) {
        continue;
      }
      JsonNode present = out.get(d.key());
      if (present == null) {
        ObjectNode section = JsonNodeFactory.instance.objectNode().put("type", d.name());
        out.set(d.key(), d.list() ? JsonNodeFactory.instance.arrayNode().add(section) : section);
      } else if (!d.list() && present.isObject() && !present.has("type")) {
        // `trainer: {epochs: 5}` (or `--set trainer.epochs=5`) means the default trainer with epochs 5.
        ObjectNode section = JsonNodeFactory.instance.objectNode().put("type", d.name());
        section.setAll((ObjectNode) present);
        out.set(d.key(), section);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- binding

  private ExperimentConfig bind(JsonNode tree, Source src) {
    try {
      return yaml.treeToValue(tree, ExperimentConfig.class);
    } catch (JsonMappingException e) {
      throw translate(e, tree, src);
    } catch (JsonProcessingException e) {
      throw new UserException(src.file() + ": " + e.getOriginalMessage(), e);
    }
  }

  private UserException translate(JsonMappingException e, JsonNode tree, Source src) {
    String path = jsonPath(e.getPath());
    JsonNode node = nodeAt(tree, e.getPath());
    if (e instanceof InvalidTypeIdException t) {
      Kind kind = kindOf(t.getBaseType() == null ? null : t.getBaseType().getRawClass());
      Set<String> known = kind == null ? allNames() : registry.names(kind);
      if (node != null && !node.isObject() && !node.isNull()) {
        return notASection(kind, node, path, src, e);
      }
      if (t.getTypeId() == null || t.getTypeId().isEmpty()) {
        return new UserException(src.where(path) + "Missing `type:` in the "
            + (kind == null ? "" : kind.label() + " ") + "section at " + path + ". Add `type:` with one of "
            + known + ".", e);
      }
      String message = kind == null
          ? "Unknown type '" + t.getTypeId() + "' at " + path + ".type. Known: " + known + "."
              + Suggestions.didYouMean(t.getTypeId(), known)
          : registry.unknownMessage(kind, t.getTypeId(), path + ".type");
      return new UserException(src.where(path + ".type") + message, e);
    }
    if (e instanceof UnrecognizedPropertyException u) {
      Set<String> known = new TreeSet<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      }
      String owner;
      if (u.getReferringClass() == ExperimentConfig.class) {
        known.add("grid");
        known.add(SUMMARY);
        known.add(TUNE);
        owner = " (top level)";
      } else {
        owner = registry.forConfigClass(u.getReferringClass())
            .map(r -> " for " + r.kind().label() + " '" + r.name() + "'").orElse("");
      }
      return new UserException(src.where(path) + "Unknown key '" + u.getPropertyName() + "' at " + path + owner
          + ". Known keys: " + known + "." + Suggestions.didYouMean(u.getPropertyName(), known), e);
    }
    if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause() == null ? v : v.getCause();
      String owner = v.getType() == null ? "" : registry.forConfigClass(v.getType().getRawClass())
          .map(r -> " (" + r.kind().label() + " '" + r.name() + "')").orElse("");
      return new UserException(src.where(path) + "Invalid value at " + path + owner + ": " + cause.getMessage(), e);
    }
    if (e instanceof InvalidFormatException f) {
      return new UserException(src.where(path) + "Expected " + expected(f.getTargetType(), f.getValue()) + " at "
          + path + ", got '" + f.getValue() + "'.", e);
    }
    if (e instanceof MismatchedInputException m) {
      Class<?> target = m.getTargetType();
      String got = node == null ? "nothing" : node.isValueNode() ? "'" + node.asText() + "'" : node.toString();
      if (target != null && ComponentConfig.class.isAssignableFrom(target)) {
        return notASection(kindOf(target), node, path, src, e);
      }
      return new UserException(src.where(path) + "Expected " + expected(target, node == null ? null : node.asText())
          + " at " + path + ", got " + got + ".", e);
    }
    return new UserException(src.where(path) + "Invalid config at " + path + ": " + e.getOriginalMessage(), e);
  }

  private UserException notASection(Kind kind, JsonNode node, String path, Source src, Exception e) {
    String got = node == null ? "nothing" : node.isValueNode() ? "'" + node.asText() + "'" : node.toString();
    String hint = node != null && node.isTextual() && kind != null && registry.find(kind, node.asText()).isPresent()
        ? " Write `{type: " + node.asText() + "}`."
        : kind == null ? "" : " Write a mapping with `type:` one of " + registry.names(kind) + ".";
    return new UserException(src.where(path) + "Expected a " + (kind == null ? "component" : kind.label())
        + " section (a mapping with `type:`) at " + path + ", got " + got + "." + hint, e);
  }

  private static String expected(Type type, Object got) {
    if (!(type instanceof Class<?> c)) {
      return "a value of type " + type;
    }
    if (c == Integer.class || c == Long.class || c == Short.class || c == int.class || c == long.class
        || c == short.class) {
      return "a number" + (got != null && String.valueOf(got).matches("-?\\d*\\.\\d*([eE].*)?") ? " without a fraction" : "");
    }
    if (Number.class.isAssignableFrom(c) || c == double.class || c == float.class) {
      return "a number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "true or false";
    }
    if (c == String.class || c == Path.class) {
      return "a string";
    }
    if (c.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object o : c.getEnumConstants()) {
        names.add(o.toString());
      }
      return "one of " + names;
    }
    if (Collection.class.isAssignableFrom(c) || c.isArray()) {
      return "a list";
    }
    return "a mapping";
  }

  private Set<String> allNames() {
    Set<String> names = new TreeSet<>();
    for (Registration r : registry.all()) {
      names.add(r.name());
    }
    return names;
  }

  private static Kind kindOf(Class<?> c) {
    if (c == null) {
      return null;
    }
    for (Kind k : Kind.values()) {
      if (k.configType() == c) {
        return k;
      }
    }
    for (Kind k : Kind.values()) {
      if (k.configType().isAssignableFrom(c)) {
        return k;
      }
    }
    return null;
  }

  static String jsonPath(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder("$");
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static JsonNode nodeAt(JsonNode tree, List<JsonMappingException.Reference> refs) {
    JsonNode cur = tree;
    for (JsonMappingException.Reference r : refs) {
      if (cur == null) {
        return null;
      }
      cur = r.getFieldName() != null ? cur.get(r.getFieldName()) : r.getIndex() >= 0 ? cur.get(r.getIndex()) : cur;
    }
    return cur;
  }

  /** The config file, its parsed tree, and the line of each JSON path in it (if known). */
  private record Source(Path file, JsonNode tree, LineIndex lines, Map<String, String> injected, String run) {
    Source(Path file, JsonNode tree, LineIndex lines) {
      this(file, tree, lines, new LinkedHashMap<>(), null);
    }

    /** The same source, for one grid child (named in messages). */
    Source forRun(String runName) {
      return new Source(file, tree, lines, injected, runName);
    }

    /** Records that the value at {@code path} came from {@code origin} (an override, a grid entry). */
    void inject(List<String> segments, String origin) {
      injected.put(pathOf(segments), origin);
    }

    /**
     * Where an error at {@code path} comes from: {@code "file:12: "} when the path (or its closest
     * ancestor) is in the file, plus the overrides and grid entries that set it or values under it,
     * plus the grid child's run name.
     */
    String where(String path) {
      List<String> origins = new ArrayList<>();
      boolean fromOrigin = false;
      for (Map.Entry<String, String> e : injected.entrySet()) {
        String p = e.getKey();
        if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
          origins.add(e.getValue());
          fromOrigin = true;
        } else if (p.startsWith(path + ".") || p.startsWith(path + "[")) {
          origins.add(e.getValue());
        }
      }
      int line = fromOrigin || lines == null ? -1 : lines.lineOf(path);
      if (run != null) {
        origins.add(0, "run " + run);
      }
      return file + (line > 0 ? ":" + line : "") + (origins.isEmpty() ? "" : " (" + String.join(", ", origins) + ")")
          + ": ";
    }
  }
}
