package org.towerlab.trainers;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Model;

/**
 * Writes the trained query and item embeddings (the towers' primary vectors) as
 * {@code items.f32} and {@code queries.f32}: row-major float32, little-endian, row {@code i} is
 * entity id {@code i}; {@code embeddings.json} gives rows, dim and the interaction.
 */
final class Embeddings {
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
    ObjectNode meta = new ObjectMapper().createObjectNode();
    meta.put("format", "float32 little-endian, row-major, row i = entity id i");
    meta.putObject("items").put("file", "items.f32").put("rows", split.dataset().numItems()).put("dim", dim);
    meta.putObject("queries").put("file", "queries.f32").put("rows", nq).put("dim", dim);
    meta.put("interaction", model.interaction().getClass().getSimpleName());
    meta.put("item-side-precomputable", model.interaction().itemSidePrecomputable());
    ExperimentRunner.writeText(dir.resolve("embeddings.json"), meta.toPrettyString());
  }
}
