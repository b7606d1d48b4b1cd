package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.InitContext;

/**
 * Embeds the fields of one side and concatenates them: categorical fields by lookup,
 * multi-categorical and sequence fields by the mean of their ids' embeddings (padding excluded),
 * dense fields by a linear projection. Output {@code [N, fields * dim]}. The shared first stage of
 * every feature tower (baseline MLP, DAT, HIT, ...). A by-category sequence
 * ({@link FieldSpec#byCategory()}, {@code [N, K, L]}: several contexts per entity) is not one vector
 * per entity: {@code fields = null} leaves it out, and naming it is refused; a tower made for it
 * (LongRetriever's) reads it.
 */
public final class FieldEncoder {
  private final List<FieldSpec> used = new ArrayList<>();
  private final List<Object> encoders = new ArrayList<>();
  private final int dim;

  /**
   * @param ctx the tower's init context (side, schema, parameter scope)
   * @param fields field names to use, or {@code null} for every field of the side
   * @param dim embedding width of each field
   * @param initStd standard deviation of the embeddings' normal initialization
   * @param path config path of the tower, for error messages
   */
  public FieldEncoder(InitContext ctx, List<String> fields, int dim, double initStd, String path) {
    this.dim = dim;
    List<FieldSpec> side = ctx.dataset().schema().side(ctx.side());
    List<String> names = fields == null
        ? side.stream().filter(f -> !f.isByCategory()).map(FieldSpec::name).toList() : fields;
    for (String name : names) {
      FieldSpec f = side.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new UserException(
          "Unknown " + ctx.side().name().toLowerCase() + " field '" + name + "' at " + path + ".fields. The data set '"
              + ctx.dataset().name() + "' has " + side.stream().map(FieldSpec::name).toList() + "."));
      if (f.isByCategory()) {
        throw new UserException("The " + ctx.side().name().toLowerCase() + " field '" + name + "' at " + path
            + ".fields is a by-category sequence (one sub-sequence per item category, [N, K, L]), which this tower"
            + " cannot pool into one vector. Remove it from " + path + ".fields (use the flat sequence field of the"
            + " data set instead), or use a tower made for it (type: longretriever).");
      }
      used.add(f);
      encoders.add(switch (f.kind()) {
        case CATEGORICAL -> new EmbeddingTable(ctx.params(), "emb." + f.name(), f.cardinality(), dim, initStd);
        case MULTI_CATEGORICAL, SEQUENCE ->
            new EmbeddingTable(ctx.params(), "emb." + f.name(), f.cardinality() + 1, dim, initStd);
        case DENSE -> new Linear(ctx.params(), "proj." + f.name(), f.dim(), dim, true);
      });
    }
  }

  /** Width of the concatenated output. */
  public int width() {
    return used.size() * dim;
  }

  public List<FieldSpec> fields() {
    return List.copyOf(used);
  }

  /** {@code [N, fields * dim]} on the features' manager. */
  public NDArray encode(FeatureBatch features) {
    NDList parts = new NDList();
    for (int i = 0; i < used.size(); i++) {
      FieldSpec f = used.get(i);
      NDArray x = features.field(f.name());
      Object enc = encoders.get(i);
      parts.add(switch (f.kind()) {
        case CATEGORICAL -> ((EmbeddingTable) enc).lookup(x); // [N, d]
        case MULTI_CATEGORICAL, SEQUENCE -> ((EmbeddingTable) enc).meanPool(x); // [N, d]
        case DENSE -> ((Linear) enc).forward(x); // [N, d]
      });
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1); // [N, F*d]
  }
}
