package org.towerlab.modules.tarq;

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
 * The item query of target attention, {@code q = phi(x_item) = MLP(FieldEncoder(item fields))}
 * {@code [N, d]} (TARQ's {@code cross_item_net}: the vector that is the attention's query and that
 * TARQ residual-quantizes). Output: {@code embedding} = q.
 */
final class ItemQueryTower implements Tower {
  private final Architecture arch;
  private final String path;
  private FieldEncoder fields;
  private Mlp mlp;

  ItemQueryTower(Architecture arch, String path) {
    this.arch = arch;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    fields = new FieldEncoder(ctx, arch.itemFields(), arch.embeddingDim(), arch.initStd(), path + ".item-fields");
    List<Integer> widths = new ArrayList<>();
    widths.add(fields.width());
    widths.addAll(arch.hidden());
    widths.add(arch.dim());
    mlp = new Mlp(ctx.params(), "mlp", widths, 0.0);
  }

  @Override
  public long outputDim() {
    return arch.dim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    return TowerOutput.of(mlp.forward(fields.encode(features), fwd)); // [N, d]
  }
}
