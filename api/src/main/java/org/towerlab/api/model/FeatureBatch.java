package org.towerlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.towerlab.api.data.Side;

/**
 * The features of N entities of one side, as tensors on a batch manager.
 *
 * @param side query or item side
 * @param ids the entity ids, as Java values ({@code [N]})
 * @param idTensor the entity ids as int64 {@code [N]}
 * @param fields every other field by name: categorical int64 {@code [N]}, multi-categorical and
 *     sequence int64 {@code [N, L]} (ids + 1, 0 = padding), dense float32 {@code [N, dim]}; a
 *     by-category sequence int64 {@code [N, K, L]} plus its companion
 *     {@code <name>.category} int64 {@code [N, K]} ({@link org.towerlab.api.data.FieldSpec.ByCategory})
 */
public record FeatureBatch(Side side, long[] ids, NDArray idTensor, Map<String, NDArray> fields) {

  public int size() {
    return ids.length;
  }

  /** A field's tensor; throws naming the known fields when absent. */
  public NDArray field(String name) {
    if ("id".equals(name)) {
      return idTensor;
    }
    NDArray a = fields.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no " + side.name().toLowerCase() + " field '" + name
          + "' in this batch; it has id and " + fields.keySet());
    }
    return a;
  }
}
