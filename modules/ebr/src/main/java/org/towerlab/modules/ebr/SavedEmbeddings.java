package org.towerlab.modules.ebr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.towerlab.api.UserException;
import org.towerlab.registry.io.Mappers;

/**
 * Query and item vectors exported by an earlier run ({@code <run>/embeddings/}: {@code items.f32},
 * {@code queries.f32}, float32 little-endian row-major, row {@code i} = entity id {@code i}; rows
 * and dim in {@code embeddings.json}), ranked in Java by dot product or cosine. This is EBR's
 * "previous model" for offline hard-negative mining.
 */
final class SavedEmbeddings {
  private final float[] items; // [numItems * dim], L2-normalized rows when cosine
  private final float[] queries; // [numQueries * dim]
  private final int dim;
  private final int numItems;
  private final int numQueries;
  private final boolean cosine;

  private SavedEmbeddings(float[] items, float[] queries, int dim, boolean cosine) {
    this.dim = dim;
    this.numItems = items.length / dim;
    this.numQueries = queries.length / dim;
    this.cosine = cosine;
    this.items = cosine ? normalizeRows(items, dim) : items;
    this.queries = queries;
  }

  /**
   * Reads {@code dir}; {@code similarity} is {@code dot}, {@code cosine} or {@code auto};
   * {@code where} names the config key for error messages.
   */
  static SavedEmbeddings load(Path dir, String similarity, String where) {
    Path meta = dir.resolve("embeddings.json");
    if (!Files.isRegularFile(meta)) {
      throw new UserException("No embeddings.json in '" + dir.toAbsolutePath() + "' (" + where
          + "). Point it at the embeddings/ folder of a finished run (runs/<name>/<id>/embeddings), which holds"
          + " embeddings.json, items.f32 and queries.f32.");
    }
    try {
      JsonNode root = Mappers.JSON.readTree(meta.toFile());
      int itemDim = root.path("items").path("dim").asInt(-1);
      int queryDim = root.path("queries").path("dim").asInt(-1);
      if (itemDim <= 0 || itemDim != queryDim) {
        throw new UserException("The file " + meta.toAbsolutePath() + " (" + where + ") gives item dim " + itemDim
            + " and query dim " + queryDim + "; they must be equal and positive. Re-export the embeddings of a"
            + " run whose towers output vectors of the same width.");
      }
      float[] items = floats(dir.resolve(root.path("items").path("file").asText("items.f32")),
          root.path("items").path("rows").asInt(-1), itemDim, where);
      float[] queries = floats(dir.resolve(root.path("queries").path("file").asText("queries.f32")),
          root.path("queries").path("rows").asInt(-1), queryDim, where);
      boolean cosine = switch (similarity) {
        case "cosine" -> true;
        case "dot" -> false;
        default -> root.path("interaction").asText("").toLowerCase(java.util.Locale.ROOT).contains("cosine");
      };
      return new SavedEmbeddings(items, queries, itemDim, cosine);
    } catch (IOException e) {
      throw new UserException("Cannot read the embeddings in '" + dir.toAbsolutePath() + "' (" + where + "): "
          + e.getMessage() + ". Check the path and that the run finished.", e);
    }
  }

  static SavedEmbeddings of(float[] items, float[] queries, int dim, boolean cosine) {
    return new SavedEmbeddings(items, queries, dim, cosine);
  }

  private static float[] floats(Path file, int rows, int dim, String where) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (rows < 0 || bytes.length != (long) rows * dim * 4) {
      throw new UserException("The file " + file.toAbsolutePath() + " (" + where + ") has " + bytes.length
          + " bytes but embeddings.json announces " + rows + " rows of dim " + dim + " float32 values. Re-export the"
          + " embeddings; the folder is incomplete or from another run.");
    }
    float[] out = new float[rows * dim];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  private static float[] normalizeRows(float[] x, int dim) {
    float[] out = x.clone();
    for (int r = 0; r < x.length / dim; r++) {
      double s = 1e-12;
      for (int c = 0; c < dim; c++) {
        s += (double) x[r * dim + c] * x[r * dim + c];
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int c = 0; c < dim; c++) {
        out[r * dim + c] *= inv;
      }
    }
    return out;
  }

  int numItems() {
    return numItems;
  }

  int numQueries() {
    return numQueries;
  }

  boolean cosine() {
    return cosine;
  }

  /**
   * The item ids of query {@code query} at 0-based ranks {@code [from, to)} by descending score
   * (ties by ascending id). Cosine ranking only needs the items normalized: the query's norm does
   * not change its order.
   */
  int[] ranked(int query, int from, int to) {
    double[] s = new double[numItems];
    int qo = query * dim;
    for (int i = 0; i < numItems; i++) {
      double acc = 0;
      int io = i * dim;
      for (int c = 0; c < dim; c++) {
        acc += (double) queries[qo + c] * items[io + c];
      }
      s[i] = acc;
    }
    Integer[] order = new Integer[numItems];
    for (int i = 0; i < numItems; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
    int[] out = new int[Math.max(0, to - from)];
    for (int r = from; r < to; r++) {
      out[r - from] = order[r];
    }
    return out;
  }
}
