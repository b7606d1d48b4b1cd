package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Linear;

/**
 * A reference tower: the side's fields through a {@link FieldEncoder} ({@code [N, F*e]}), then one
 * linear layer to {@code [N, dim]}; with the single field {@code id} and {@code e == dim}, the bare
 * id embedding (matrix factorization). Parameters: {@code emb.<field>}, {@code proj.<field>} and
 * {@code out.weight}, {@code out.bias}.
 */
public final class KitTower implements Tower {
  private final List<String> fields;
  private final int dim;
  private final double initStd;
  private FieldEncoder encoder;
  private Linear out;

  /**
   * @param fields the fields to read ({@code null}: every field of the side)
   * @param dim output width (and width of each field's embedding)
   * @param initStd standard deviation of the embeddings' initialization
   */
  public KitTower(List<String> fields, int dim, double initStd) {
    this.fields = fields;
    this.dim = dim;
    this.initStd = initStd;
  }

  /** Every field of the side, width {@code dim}. */
  public static KitTower allFields(int dim) {
    return new KitTower(null, dim, 0.1);
  }

  /** The bare id embedding of width {@code dim} (matrix factorization). */
  public static KitTower idOnly(int dim, double initStd) {
    return new KitTower(List.of("id"), dim, initStd);
  }

  @Override
  public void initialize(InitContext ctx) {
    encoder = new FieldEncoder(ctx, fields, dim, initStd, "$.kit-tower");
    boolean bare = encoder.fields().size() == 1 && encoder.width() == dim;
    out = bare ? null : new Linear(ctx.params(), "out", encoder.width(), dim, true);
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray h = encoder.encode(features); // [N, F*e]
    return TowerOutput.of(out == null ? h : out.forward(h)); // [N, dim]
  }
}
