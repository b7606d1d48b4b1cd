package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * What a tower produces for N entities. Every shape is on the forward pass's batch manager.
 *
 * @param embedding the primary vector {@code [N, D]}: what decomposable interactions score and what
 *     is exported and indexed. Towers with several vectors set it to a pooled or first head.
 * @param heads {@code [N, H, D]} head, expert or interest vectors (HIT's multi-head, MVKE's experts,
 *     LongRetriever's per-category vectors), or {@code null}
 * @param layers per-layer representations {@code [N, D_l]} (IntTower's FE-Block), or {@code null}
 * @param codes discrete codes int64 {@code [N, L]} (TARQ's residual quantization), or {@code null}
 * @param extras named side outputs read by coupling terms or interactions (DAT's augmented vector,
 *     HIT's generator outputs, quantized reconstructions); never {@code null}
 */
public record TowerOutput(
    NDArray embedding, NDArray heads, List<NDArray> layers, NDArray codes, Map<String, NDArray> extras) {

  public TowerOutput {
    extras = extras == null ? Map.of() : Map.copyOf(extras);
    layers = layers == null ? null : List.copyOf(layers);
  }

  /** A plain one-vector output. */
  public static TowerOutput of(NDArray embedding) {
    return new TowerOutput(embedding, null, null, null, Map.of());
  }

  /** Width of the primary vector. */
  public long dim() {
    return embedding.getShape().get(1);
  }

  /**
   * The rows at {@code index} (int64 {@code [n]}, any order, repeats allowed), gathered on the
   * index's manager with gradients flowing back to this output.
   */
  public TowerOutput select(NDArray index) {
    return new TowerOutput(
        gather(embedding, index),
        heads == null ? null : gather(heads, index),
        layers == null ? null : layers.stream().map(l -> gather(l, index)).toList(),
        codes == null ? null : gather(codes, index),
        extras.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            Map.Entry::getKey, e -> gather(e.getValue(), index))));
  }

  private static NDArray gather(NDArray a, NDArray index) {
    ai.djl.ndarray.types.Shape shape = a.getShape();
    long n = index.getShape().get(0);
    if (!a.getDataType().isFloating()) {
      // integer outputs (codes) carry no gradient: a plain pick
      NDArray flat = a.reshape(shape.get(0), -1); // [N, W]
      NDArray idx = index.reshape(n, 1).repeat(1, flat.getShape().get(1)); // [n, W]
      return flat.gather(idx, 0).reshape(shape.slice(1).isScalar() ? new ai.djl.ndarray.types.Shape(n)
          : new ai.djl.ndarray.types.Shape(n).addAll(shape.slice(1)));
    }
    NDArray flat = a.reshape(shape.get(0), -1); // [N, W]
    NDArray out = index.getNDArrayInternal().embedding(index, flat, ai.djl.ndarray.types.SparseFormat.DENSE)
        .singletonOrThrow(); // [n, W]
    return shape.dimension() == 1 ? out.reshape(n)
        : out.reshape(new ai.djl.ndarray.types.Shape(n).addAll(shape.slice(1)));
  }

  /** The output restricted to rows {@code [from, to)} (used to split positives from negatives). */
  public TowerOutput rows(long from, long to) {
    return new TowerOutput(
        embedding.get(from + ":" + to),
        heads == null ? null : heads.get(from + ":" + to),
        layers == null ? null : layers.stream().map(l -> l.get(from + ":" + to)).toList(),
        codes == null ? null : codes.get(from + ":" + to),
        extras.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            Map.Entry::getKey, e -> e.getValue().get(from + ":" + to))));
  }

  /**
   * This output as extras entries under {@code prefix} (embedding, heads, codes, layers and its own
   * extras), so a wrapping tower can carry its base tower's output inside its own and give it back
   * with {@link #unpacked}. Used by towers that add heads on top of any base tower (gnolr,
   * task-heads).
   */
  public Map<String, NDArray> packed(String prefix) {
    Map<String, NDArray> out = new java.util.LinkedHashMap<>();
    out.put(prefix + "embedding", embedding);
    if (heads != null) {
      out.put(prefix + "heads", heads);
    }
    if (codes != null) {
      out.put(prefix + "codes", codes);
    }
    if (layers != null) {
      for (int i = 0; i < layers.size(); i++) {
        out.put(prefix + "layer." + i, layers.get(i));
      }
    }
    extras.forEach((k, v) -> out.put(prefix + "extra." + k, v));
    return out;
  }

  /** The output {@link #packed} under {@code prefix} into {@code out}'s extras, or {@code out} when it carries none. */
  public static TowerOutput unpacked(TowerOutput out, String prefix) {
    Map<String, NDArray> x = out.extras();
    if (!x.containsKey(prefix + "embedding")) {
      return out;
    }
    List<NDArray> layers = null;
    if (x.containsKey(prefix + "layer.0")) {
      layers = new java.util.ArrayList<>();
      for (int i = 0; x.containsKey(prefix + "layer." + i); i++) {
        layers.add(x.get(prefix + "layer." + i));
      }
    }
    Map<String, NDArray> extras = new java.util.LinkedHashMap<>();
    String extra = prefix + "extra.";
    x.forEach((k, v) -> {
      if (k.startsWith(extra)) {
        extras.put(k.substring(extra.length()), v);
      }
    });
    return new TowerOutput(x.get(prefix + "embedding"), x.get(prefix + "heads"), layers, x.get(prefix + "codes"), extras);
  }
}
