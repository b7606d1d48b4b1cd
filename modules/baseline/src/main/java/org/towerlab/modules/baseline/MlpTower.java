package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Mlp;

/**
 * Embedding + MLP tower (the DSSM/YouTube-DNN family). Each field becomes a vector of width
 * {@code embeddingDim} ({@link FieldEncoder}); the vectors are concatenated
 * ({@code [N, F * embeddingDim]}) and fed through an MLP to {@code [N, outputDim]}. With the single
 * field {@code id}, no hidden layer and {@code embeddingDim == outputDim} the tower is the bare id
 * embedding: two such towers are matrix factorization.
 */
public final class MlpTower implements Tower {
  private final MlpTowerConfig config;
  private final String path;
  private FieldEncoder fields;
  private Mlp mlp;

  public MlpTower(MlpTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    fields = new FieldEncoder(ctx, config.fields(), config.embeddingDim(), config.initStd(), path);
    int in = fields.width();
    boolean bare = fields.fields().size() == 1 && config.hidden().isEmpty() && in == config.outputDim();
    if (!bare) {
      List<Integer> widths = new ArrayList<>();
      widths.add(in);
      widths.addAll(config.hidden());
      widths.add(config.outputDim());
      mlp = new Mlp(ctx.params(), "mlp", widths, config.dropout());
    }
  }

  @Override
  public long outputDim() {
    return config.outputDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray h = fields.encode(features); // [N, F*d]
    return TowerOutput.of(mlp == null ? h : mlp.forward(h, fwd)); // [N, outputDim]
  }
}
