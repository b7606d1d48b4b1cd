package org.towerlab.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;
import org.towerlab.trainers.TrainingSamplerContext;

/**
 * {@code towerlab bench --compare-pytorch}: exports the quick-start training data and initial
 * weights for {@code benchmarks/reference/two_tower.py} and drives that reference over a pipe.
 *
 * <p>The export holds, as raw little-endian arrays next to a {@code meta.json}: every feature
 * column of both sides (multi-categorical bags padded, ids + 1, 0 = padding, as
 * {@code FeatureBatches} builds them), the training rows, each item's log training frequency (the
 * in-batch sampler's logQ), each epoch's row order (the permutation {@code EpochLoop} draws from
 * the seed) and the initial weights. The reference then trains the same model from the same
 * weights on the same batches.
 */
final class PytorchCompare implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final BufferedReader reader;
  private final OutputStream stdin;
  private final JsonNode ready;

  private PytorchCompare(Process process, BufferedReader reader, JsonNode ready) {
    this.process = process;
    this.reader = reader;
    this.stdin = process.getOutputStream();
    this.ready = ready;
  }

  /** The reference's start-up line: torch version, threads, import and load seconds. */
  JsonNode ready() {
    return ready;
  }

  /** One epoch as the reference reports it. */
  record Epoch(int epoch, double seconds, double cpuSeconds, double loss, long examples) {
    double examplesPerSecond() {
      return examples / Math.max(seconds, 1e-9);
    }
  }

  /** Trains a fresh reference model (the exported initial weights) for {@code epochs} epochs. */
  List<Epoch> run(int epochs) {
    List<Epoch> out = new ArrayList<>();
    try {
      stdin.write(("run " + epochs + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode n = JSON.readTree(line);
        if (n.has("done")) {
          return out;
        }
        if (n.has("epoch")) {
          out.add(new Epoch(n.get("epoch").asInt(), n.get("seconds").asDouble(), n.get("cpu_seconds").asDouble(),
              n.get("loss").asDouble(), n.get("examples").asLong()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the PyTorch reference stopped answering", e);
    }
    throw new IllegalStateException("the PyTorch reference exited during a run (exit " + exitCode() + ")");
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public void close() {
    try {
      if (stdin != null) {
        stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (IOException e) {
      process.destroy();
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts {@code benchmarks/reference/two_tower.py --serve} on the exported data with the cached
   * venv's python ({@code benchmarks/reference/torch-venv.sh} creates it on first use).
   */
  static PytorchCompare start(Path repoRoot, Path data, int threads, PrintStream log) {
    Path script = repoRoot.resolve("benchmarks/reference/two_tower.py");
    Path venv = repoRoot.resolve("benchmarks/reference/torch-venv.sh");
    if (!Files.isRegularFile(script) || !Files.isRegularFile(venv)) {
      throw new UserException("The PyTorch reference is not at " + script + ". Run towerlab bench --compare-pytorch"
          + " from a source checkout (the towerlab launcher sets towerlab.repo.root).");
    }
    String python;
    try {
      log.println("preparing the PyTorch venv (first use: pip installs torch 2.7.1, about 3 GB)...");
      Process p = new ProcessBuilder("bash", venv.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      python = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || python.isEmpty()) {
        throw new UserException("benchmarks/reference/torch-venv.sh failed (exit " + p.exitValue() + "); its"
            + " messages are above. It needs python3 with venv and pip access to PyPI.");
      }
      ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--data", data.toString(), "--threads",
          String.valueOf(threads), "--serve").redirectError(ProcessBuilder.Redirect.INHERIT);
      Process ref = pb.start();
      BufferedReader r = new BufferedReader(new InputStreamReader(ref.getInputStream(), StandardCharsets.UTF_8));
      String first = r.readLine();
      if (first == null) {
        throw new IllegalStateException("the PyTorch reference exited before it was ready");
      }
      return new PytorchCompare(ref, r, JSON.readTree(first));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the PyTorch reference", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the reference's input to {@code dir}.
   *
   * @param params the initial weights by their TowerLab names
   * @param epochs how many epoch orders to write
   */
  static void export(Path dir, Split split, Map<String, NDArray> params, Seeds seeds, int epochs, int batchSize,
      double learningRate, double temperature, List<Integer> hidden) {
    try {
      Files.createDirectories(dir);
      ObjectNode meta = JSON.createObjectNode();
      for (Side side : Side.values()) {
        String s = side == Side.QUERY ? "query" : "item";
        FeatureTable table = side == Side.QUERY ? split.dataset().queryFeatures() : split.dataset().itemFeatures();
        int count = side == Side.QUERY ? split.dataset().numQueries() : split.dataset().numItems();
        ObjectNode sideNode = meta.putObject(s);
        sideNode.put("count", count);
        ArrayNode fields = sideNode.putArray("fields");
        for (FieldSpec f : split.dataset().schema().side(side)) {
          ObjectNode fn = fields.addObject().put("name", f.name());
          long[] col;
          if (f.name().equals("id")) {
            col = new long[count];
            for (int i = 0; i < count; i++) {
              col[i] = i;
            }
            fn.put("kind", "categorical");
          } else if (f.kind() == FieldKind.CATEGORICAL) {
            int[] c = table.categorical(f.name());
            col = new long[c.length];
            for (int i = 0; i < c.length; i++) {
              col[i] = c[i];
            }
            fn.put("kind", "categorical");
          } else if (f.kind() == FieldKind.MULTI_CATEGORICAL) {
            int[][] bags = table.multiCategorical(f.name());
            int len = f.maxLength();
            col = new long[count * len];
            for (int i = 0; i < count; i++) {
              for (int j = 0; j < Math.min(len, bags[i].length); j++) {
                col[i * len + j] = bags[i][j] + 1L;
              }
            }
            fn.put("kind", "multi").put("length", len);
          } else if (f.kind() == FieldKind.DENSE) {
            fn.put("kind", "dense").put("dim", f.dim());
            writeFloats(dir.resolve(s + "." + f.name() + ".f32"), table.dense(f.name()));
            continue;
          } else {
            throw new UserException("The PyTorch reference handles categorical, multi-categorical and dense fields;"
                + " field '" + f.name() + "' is " + f.kind() + ".");
          }
          writeLongs(dir.resolve(s + "." + f.name() + ".i64"), col);
        }
      }
      int[] q = split.train().queries();
      int[] it = split.train().items();
      long[] ql = new long[q.length];
      long[] il = new long[it.length];
      for (int r = 0; r < q.length; r++) {
        ql[r] = q[r];
        il[r] = it[r];
      }
      writeLongs(dir.resolve("train.query.i64"), ql);
      writeLongs(dir.resolve("train.item.i64"), il);
      var freq = new TrainingSamplerContext(split, null, null).frequency();
      float[] logq = new float[split.dataset().numItems()];
      for (int i = 0; i < logq.length; i++) {
        logq[i] = (float) Math.log(freq.probability(i));
      }
      writeFloats(dir.resolve("item.logq.f32"), logq);
      // EpochLoop's shuffle: the same stream and mixing
      long shuffleBase = seeds.seed("data.shuffle");
      for (int e = 0; e < epochs; e++) {
        int[] order = Seeds.permutation(q.length, new SplittableRandom(shuffleBase ^ (0x9E3779B97F4A7C15L * (e + 1))));
        writeInts(dir.resolve("order." + e + ".i32"), order);
      }
      ArrayNode ps = meta.putArray("params");
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        ObjectNode pn = ps.addObject().put("name", e.getKey());
        ArrayNode shape = pn.putArray("shape");
        for (long d : e.getValue().getShape().getShape()) {
          shape.add(d);
        }
        writeFloats(dir.resolve("param." + e.getKey() + ".f32"), e.getValue().toFloatArray());
      }
      meta.put("epochs", epochs).put("batch_size", batchSize).put("learning_rate", learningRate)
          .put("temperature", temperature);
      ArrayNode h = meta.putArray("hidden");
      hidden.forEach(h::add);
      Files.writeString(dir.resolve("meta.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the PyTorch reference's data to " + dir, e);
    }
  }

  private static void writeLongs(Path file, long[] v) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(v);
    Files.write(file, b.array());
  }

  private static void writeInts(Path file, int[] v) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(v);
    Files.write(file, b.array());
  }

  private static void writeFloats(Path file, float[] v) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    Files.write(file, b.array());
  }
}
