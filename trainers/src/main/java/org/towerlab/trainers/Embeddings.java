package org.towerlab.trainers;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Model;
import org.towerlab.tracking.local.AtomicFiles;
import org.towerlab.registry.io.Mappers;

/**
 * Writes the trained query and item embeddings (the towers' primary vectors) as
 * {@code items.f32} and {@code queries.f32}: row-major float32, little-endian, row {@code i} is
 * entity id {@code i}; the same matrices as NumPy files {@code items.npy} and {@code queries.npy}
 * ({@code numpy.load}); {@code embeddings.json} gives rows, dim and the interaction. Item towers that
 * output discrete codes ({@code TowerOutput.codes}, TARQ's residual quantization) also get
 * {@code item-codes.i64} and {@code item-codes.npy}: int64, little-endian, row-major
 * {@code [numItems, levels]}.
 */
final class Embeddings {
  /** The file of the items' discrete codes, when the item tower outputs codes. */
  static final String CODES = "item-codes.i64";
  /** Every file this class may write, for the tracker. */
  static final java.util.List<String> FILES = java.util.List.of("embeddings.json", "items.f32", "queries.f32",
      "items.npy", "queries.npy", CODES, "item-codes.npy");

  private Embeddings() {}

  static void write(Path dir, Model model, TowerScorer scorer, FeatureBatches batches, Split split, NDManager manager) {
    float[] items = scorer.items().embedding().toFloatArray();
    long dim = scorer.items().dim();
    int nq = split.dataset().numQueries();
    float[] queries = new float[Math.toIntExact((long) nq * dim)];
    for (int from = 0; from < nq; from += 4096) {
      int to = Math.min(nq, from + 4096);
      long[] ids = new long[to - from];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = from + i;
      }
      try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
        float[] v = model.queryTower().encode(batches.build(Side.QUERY, ids, null, m), Forward.inference(m))
            .embedding().toFloatArray();
        System.arraycopy(v, 0, queries, Math.toIntExact(from * dim), v.length);
      }
    }
    ExperimentRunner.writeFloats(dir.resolve("items.f32"), items);
    ExperimentRunner.writeFloats(dir.resolve("queries.f32"), queries);
    Npy.writeFloats(dir.resolve("items.npy"), items, split.dataset().numItems(), dim);
    Npy.writeFloats(dir.resolve("queries.npy"), queries, nq, dim);
    long[] codes = scorer.items().codes() == null ? null : scorer.items().codes().toLongArray();
    if (codes != null) {
      ByteBuffer buf = ByteBuffer.allocate(codes.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      buf.asLongBuffer().put(codes);
      AtomicFiles.write(dir.resolve(CODES), buf.array());
      long levels = scorer.items().codes().getShape().get(1);
      Npy.writeLongs(dir.resolve("item-codes.npy"), codes, codes.length / levels, levels);
    }
    ObjectNode meta = Mappers.JSON.createObjectNode();
    meta.put("format", "float32 little-endian, row-major, row i = entity id i");
    meta.putObject("items").put("file", "items.f32").put("npy", "items.npy").put("rows", split.dataset().numItems())
        .put("dim", dim);
    meta.putObject("queries").put("file", "queries.f32").put("npy", "queries.npy").put("rows", nq).put("dim", dim);
    if (codes != null) {
      meta.putObject("item-codes").put("file", CODES).put("npy", "item-codes.npy")
          .put("format", "int64 little-endian, row-major")
          .put("rows", split.dataset().numItems()).put("levels", scorer.items().codes().getShape().get(1));
    }
    meta.put("interaction", model.interaction().getClass().getSimpleName());
    meta.put("item-side-precomputable", model.interaction().itemSidePrecomputable());
    ExperimentRunner.writeText(dir.resolve("embeddings.json"), meta.toPrettyString());
  }
}
