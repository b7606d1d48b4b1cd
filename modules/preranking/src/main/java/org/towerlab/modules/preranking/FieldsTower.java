package org.towerlab.modules.preranking;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;

/**
 * The side's field embeddings with nothing on top: COLD's input layer. Each of the F fields
 * becomes a vector of width d ({@link FieldEncoder}); the output's {@code embedding} is their
 * concatenation {@code [N, F*d]} and its {@code heads} the same values as {@code [N, F, d]}, one
 * head per field, so that a pair network ({@code cold}) can gate and cross fields. With a
 * factorizing interaction (dot) it is a linear model of the field embeddings.
 */
public final class FieldsTower implements Tower {
  private final FieldsTowerConfig config;
  private final String path;
  private FieldEncoder fields;

  public FieldsTower(FieldsTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    fields = new FieldEncoder(ctx, config.fields(), config.embeddingDim(), config.initStd(), path);
  }

  /** F * d (known after {@link #initialize}). */
  @Override
  public long outputDim() {
    return fields == null ? 0 : fields.width();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray e = fields.encode(features); // [N, F*d]
    long n = e.getShape().get(0);
    NDArray heads = e.reshape(n, fields.fields().size(), config.embeddingDim()); // [N, F, d]
    return new TowerOutput(e, heads, null, null, null);
  }
}
