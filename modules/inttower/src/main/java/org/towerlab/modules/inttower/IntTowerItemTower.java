package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Linear;

/**
 * IntTower's item tower (Li et al., "IntTower: the Next Generation of Two-Tower Model for
 * Pre-Ranking System", CIKM 2022): Light-SE over the item's field embeddings, fully connected
 * layers, and ONE FE projection of the last layer into H' heads.
 *
 * <pre>
 * [x0, h_1, ..., h_L] = TowerBody(fields)         (Light-SE, ReLU layers with dropout)
 * M_v = reshape(W_v h_L + b_v, [N, H', d])        [N, H', d]   (h_L = x0 without layers)
 * </pre>
 *
 * Output: {@code heads} = M_v {@code [N, H', d]}; {@code embedding} = vec M_v {@code [N, H'*d]}. The
 * tower reads only item features, so its outputs are computed once and cached by the scorer
 * ({@link FeBlockInteraction#itemSidePrecomputable()}).
 */
public final class IntTowerItemTower implements Tower {
  private final IntTowerItemTowerConfig config;
  private final String path;
  private TowerBody body;
  private Linear projection;

  public IntTowerItemTower(IntTowerItemTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public IntTowerItemTowerConfig config() {
    return config;
  }

  @Override
  public void initialize(InitContext ctx) {
    if (ctx.side() != Side.ITEM) {
      throw new UserException("The inttower-item tower at " + path + " is the paper's item tower (one FE projection "
          + "of its last layer) but serves the query side. Use {type: inttower-user} for model.query-tower.");
    }
    body = new TowerBody(ctx, config.fields(), config.embeddingDim(), config.lightSe(), config.hidden(),
        config.dropout(), config.initStd(), path);
    List<Integer> widths = body.widths();
    projection = new Linear(ctx.params(), "fe", widths.get(widths.size() - 1), config.representationDim(), true);
  }

  @Override
  public long outputDim() {
    return config.representationDim();
  }

  /** The trunk (tests read Light-SE and the embeddings through it). */
  TowerBody body() {
    return body;
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    List<NDArray> layers = body.forward(features, fwd);
    NDArray flat = projection.forward(layers.get(layers.size() - 1)); // [N, H'*d]
    NDArray heads = flat.reshape(flat.getShape().get(0), config.heads(), config.headDim()); // [N, H', d]
    return new TowerOutput(flat, heads, null, null, null);
  }
}
