package org.towerlab.modules.gnolr;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.towerlab.api.Compatibility;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.KitTower;

/**
 * A base tower for the wrapper tests, standing in for DAT or HIT: {@link KitTower} over every field
 * to width {@code dim}, an extra {@code double} (= 2 * embedding), and as a {@link Coupling} the aux
 * term {@code base-couple-<side> = mean_i ||self_i - sg(other_i)||^2} on the embeddings it is given.
 * As a {@link Compatibility} it records the parts it was shown.
 */
final class TestBaseTower implements Tower, Coupling, Compatibility {
  /** Its config, for {@link GnolrTowerConfig#base()}. */
  record Config() implements ComponentConfig.Tower {}

  private final int dim;
  private KitTower inner;
  private Side side;
  Parts seen;
  Coupling.Pairs coupled;

  TestBaseTower(int dim) {
    this.dim = dim;
  }

  @Override
  public void initialize(InitContext ctx) {
    side = ctx.side();
    inner = KitTower.allFields(dim);
    inner.initialize(ctx);
  }

  @Override
  public long outputDim() {
    return dim;
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    NDArray e = inner.encode(features, fwd).embedding(); // [N, dim]
    return new TowerOutput(e, null, null, null, Map.of("double", e.mul(Tensors.scalar(fwd.manager(), 2f))));
  }

  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    coupled = pairs;
    NDArray diff = pairs.self().embedding().sub(pairs.other().embedding().stopGradient()); // [B, dim]
    fwd.addAuxLoss("base-couple-" + side.name().toLowerCase(), diff.square().sum(new int[] {1}).mean());
  }

  @Override
  public String incompatibility(Parts parts) {
    seen = parts;
    return parts.queryTower() instanceof TestBaseTower ? null : "the query tower is not a base tower";
  }
}
