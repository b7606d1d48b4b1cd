package org.towerlab.tracking.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.towerlab.tracking.local.Json;

/**
 * {@code provenance.json}: everything needed to rebuild a run (house style rule 12).
 *
 * <pre>{@code
 * {"formatVersion": 1, "createdAt": "...", "config": {...effective config...},
 *  "seeds": {"root": 42, "data.shuffle": ...},
 *  "data": {"<path>": {"sha256": "...", "rows": 100000}},
 *  "git": {"commit": "<sha>|unknown", "dirty": true|false|null},
 *  "versions": {"java": "17.0.x", "djl": "0.36.0", "engine": "PyTorch", "engineVersion": "2.7.1", "towerlab": ...},
 *  "machine": {"os": "Linux 6.x amd64", "cpu": "...", "cores": 2},
 *  "plugins": ["org.towerlab.modules.baseline.BaselineModule", ...],
 *  "split": {"file": "split.csv.gz", "sha256": "...", "contentSha256": "...", "protocol": "per-user-ratio", ...}}
 * }</pre>
 * The {@code split} section is the record of the run's {@code split.csv.gz} (see the trainers'
 * {@code SplitFile}); runs written before splits were exported have none.
 *
 * Built with a DJL-style builder: {@code setConfig} is required, the rest optional.
 */
public final class Provenance {
  public static final String FILE = "provenance.json";
  public static final int FORMAT_VERSION = 1;

  private Provenance() {}

  /** One data file: its content hash and number of rows (lines, header included). */
  public record DataFile(String sha256, long rows) {
    /** Parses the {@code Dataset.files()} form {@code "sha256:<hex>;rows=<n>"}. */
    public static DataFile parse(String spec) {
      String sha = null;
      long rows = -1;
      for (String part : spec.split(";")) {
        String p = part.strip();
        if (p.startsWith("sha256:")) {
          sha = p.substring("sha256:".length());
        } else if (p.startsWith("rows=")) {
          rows = Long.parseLong(p.substring("rows=".length()));
        }
      }
      if (sha == null) {
        throw new IllegalArgumentException("data file provenance must read 'sha256:<hex>;rows=<n>', got '" + spec + "'");
      }
      return new DataFile(sha, rows);
    }

    /** Hashes {@code file} (SHA-256) and counts its lines. */
    public static DataFile of(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        long lines = 0;
        int last = '\n';
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              lines++;
            }
          }
          last = buf[n - 1];
        }
        if (last != '\n') {
          lines++; // last line without a newline
        }
        return new DataFile(HexFormat.of().formatHex(md.digest()), lines);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot hash data file " + file + ": " + e.getMessage(), e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads a {@code provenance.json} file (a run dir or the file itself). */
  public static JsonNode read(Path runDirOrFile) {
    Path f = Files.isDirectory(runDirOrFile) ? runDirOrFile.resolve(FILE) : runDirOrFile;
    return Json.read(f, JsonNode.class);
  }

  /** The {@code data} section of a provenance document, as path to {@link DataFile}. */
  public static Map<String, DataFile> dataFiles(JsonNode provenance) {
    Map<String, DataFile> out = new TreeMap<>();
    provenance.path("data").fields().forEachRemaining(e ->
        out.put(e.getKey(), new DataFile(e.getValue().path("sha256").asText(), e.getValue().path("rows").asLong(-1))));
    return out;
  }

  /** Builds the provenance document. */
  public static final class Builder {
    private JsonNode config;
    private final Map<String, Long> seeds = new TreeMap<>();
    private final Map<String, DataFile> data = new TreeMap<>();
    private Path repoRoot;
    private final Map<String, String> versions = new LinkedHashMap<>();
    private List<String> plugins = List.of();
    private boolean probeEngine;
    private Instant createdAt = Instant.now();
    private Map<String, Object> split;

    /** The effective config (required). */
    public Builder setConfig(JsonNode effectiveConfig) {
      this.config = effectiveConfig;
      return this;
    }

    /** Every derived seed, e.g. {@code Seeds.derived()} plus the root. */
    public Builder optSeeds(Map<String, Long> derivedSeeds) {
      seeds.putAll(derivedSeeds);
      return this;
    }

    /** Data files in the {@code Dataset.files()} form: path to {@code "sha256:<hex>;rows=<n>"}. */
    public Builder optDataFiles(Map<String, String> files) {
      files.forEach((p, spec) -> data.put(p, DataFile.parse(spec)));
      return this;
    }

    /** Hashes and counts {@code file} itself. */
    public Builder optDataFile(Path file) {
      data.put(file.toString(), DataFile.of(file));
      return this;
    }

    /** The repository whose git commit and dirty flag are recorded ("unknown" without git). */
    public Builder optRepoRoot(Path root) {
      this.repoRoot = root;
      return this;
    }

    /** Versions known to the caller (djl, engine, engineVersion, towerlab, ...). */
    public Builder optVersions(Map<String, String> known) {
      versions.putAll(known);
      return this;
    }

    /**
     * Asks DJL (reflectively, if on the classpath) for its version and the default engine's name and
     * version. Loads the engine: call it in the CLI, where the engine is loaded anyway.
     */
    public Builder optProbeEngine(boolean probe) {
      this.probeEngine = probe;
      return this;
    }

    /** The Guice plugin modules loaded. */
    public Builder optPlugins(List<String> pluginModules) {
      this.plugins = List.copyOf(pluginModules);
      return this;
    }

    /** The record of the run's exported split (file, hashes, protocol and settings), written under {@code split}. */
    public Builder optSplit(Map<String, Object> splitRecord) {
      this.split = splitRecord == null ? null : new LinkedHashMap<>(splitRecord);
      return this;
    }

    public Builder optCreatedAt(Instant t) {
      this.createdAt = t;
      return this;
    }

    public ObjectNode build() {
      if (config == null) {
        throw new IllegalArgumentException("provenance needs the effective config: call setConfig(...)");
      }
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.put("formatVersion", FORMAT_VERSION);
      root.put("createdAt", createdAt.toString());
      root.set("config", config);
      root.set("seeds", Json.MAPPER.valueToTree(seeds));
      ObjectNode d = root.putObject("data");
      data.forEach((p, f) -> d.putObject(p).put("sha256", f.sha256()).put("rows", f.rows()));
      ObjectNode git = root.putObject("git");
      GitInfo g = GitInfo.of(repoRoot);
      git.put("commit", g.commit());
      if (g.dirty() == null) {
        git.putNull("dirty");
      } else {
        git.put("dirty", g.dirty());
      }
      ObjectNode v = root.putObject("versions");
      v.put("java", System.getProperty("java.version"));
      v.put("javaVendor", System.getProperty("java.vendor"));
      if (probeEngine) {
        engineVersions().forEach(v::put);
      }
      versions.forEach(v::put);
      ObjectNode m = root.putObject("machine");
      m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
          + System.getProperty("os.arch"));
      m.put("cpu", cpuModel());
      m.put("cores", Runtime.getRuntime().availableProcessors());
      root.set("plugins", Json.MAPPER.valueToTree(plugins));
      if (split != null) {
        root.set("split", Json.MAPPER.valueToTree(split));
      }
      return root;
    }

    /** Builds and writes {@code runDir/provenance.json} atomically. */
    public Path write(Path runDir) {
      Path f = runDir.resolve(FILE);
      Json.write(f, build());
      return f;
    }
  }

  /** Git commit and dirty flag of a working tree; {@code unknown}/null when git or the repo is missing. */
  public record GitInfo(String commit, Boolean dirty) {
    public static GitInfo of(Path repoRoot) {
      if (repoRoot == null) {
        return new GitInfo("unknown", null);
      }
      String head = git(repoRoot, "rev-parse", "HEAD");
      if (head == null || !head.matches("[0-9a-f]{40}")) {
        return new GitInfo("unknown", null);
      }
      String status = git(repoRoot, "status", "--porcelain", "--untracked-files=no");
      return new GitInfo(head, status == null ? null : !status.isBlank());
    }

    private static String git(Path dir, String... args) {
      try {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          return null;
        }
        return new String(out, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /**
   * DJL version and the default engine's name and version, if DJL is on the classpath, and on
   * PyTorch its intra-op thread count ({@code engineThreads}): the thread count changes the order
   * of floating-point reductions and so the last bits of the numbers (docs/performance.md), so a
   * reproduction with another count is told that its metrics may differ.
   */
  public static Map<String, String> engineVersions() {
    Map<String, String> v = new LinkedHashMap<>();
    try {
      Class<?> engine = Class.forName("ai.djl.engine.Engine");
      v.put("djl", String.valueOf(engine.getMethod("getDjlVersion").invoke(null)));
      Object e = engine.getMethod("getInstance").invoke(null);
      Method name = engine.getMethod("getEngineName");
      Method version = engine.getMethod("getVersion");
      v.put("engine", String.valueOf(name.invoke(e)));
      v.put("engineVersion", String.valueOf(version.invoke(e)));
      try {
        Object threads = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getNumThreads").invoke(null);
        v.put("engineThreads", String.valueOf(threads));
      } catch (ReflectiveOperationException | LinkageError | RuntimeException notPytorch) {
        // another engine: no thread count to record
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      v.putIfAbsent("djl", "unavailable");
    }
    return v;
  }

  static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).strip();
          }
        }
      }
    } catch (IOException e) {
      // fall through
    }
    String id = System.getenv("PROCESSOR_IDENTIFIER");
    return id != null ? id : System.getProperty("os.arch");
  }
}
