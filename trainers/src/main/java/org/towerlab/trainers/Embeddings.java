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

/**
 * Writes the trained query and item embeddings (the towers' primary vectors) as
 * {@code items.f32} and {@code queries.f32}: row-major float32, little-endian, row {@code i} is
 * entity id {@code i}; {@code embeddings.json} gives rows, dim and the interaction. Item towers that
 * output discrete codes ({@code TowerOutput.codes}, TARQ's residual quantization) also get
 * {@code item-codes.i64}: int64, little-endian, row-major {@code [numItems, levels]}.
 */
final class Embeddings {
  /** The file of the items' discrete codes, when the item tower outputs codes. */
  static final String CODES = "item-codes.i64";

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
    long[] codes = scorer.items().codes() == null ? null : scorer.items().codes().toLongArray();
    if (codes != null) {
      ByteBuffer buf = ByteBuffer.allocate(codes.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      buf.asLongBuffer().put(codes);
      AtomicFiles.write(dir.resolve(CODES), buf.array());
    }
    ObjectNode meta = new ObjectMapper().createObjectNode();
    meta.put("format", "float32 little-endian, row-major, row i = entity id i");
    meta.putObject("items").put("file", "items.f32").put("rows", split.dataset().numItems()).put("dim", dim);
    meta.putObject("queries").put("file", "queries.f32").put("rows", nq).put("dim", dim);
    if (codes != null) {
      meta.putObject("item-codes").put("file", CODES).put("format", "int64 little-endian, row-major")
          .put("rows", split.dataset().numItems()).put("levels", scorer.items().codes().getShape().get(1));
    }
    meta.put("interaction", model.interaction().getClass().getSimpleName());
    meta.put("item-side-precomputable", model.interaction().itemSidePrecomputable());
    ExperimentRunner.writeText(dir.resolve("embeddings.json"), meta.toPrettyString());
  }
}
