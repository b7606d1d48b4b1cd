package org.towerlab.modules.preranking;

import org.towerlab.api.data.Side;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.Tower;

/**
 * The three-tower pre-ranker: a two-tower model (any towers and interaction) whose score gets a
 * third term from a small tower over per-(query, item) cross features ({@link
 * ThreeTowerInteraction}). The query tower also passes the query's pair fields, the item tower its
 * keys; the third tower's weights live under {@code model.interaction.pair-tower}.
 */
public final class ThreeTowerModel implements Model {
  private final PairFeatureTower queryTower;
  private final PairFeatureTower itemTower;
  private final ThreeTowerInteraction interaction;

  public ThreeTowerModel(Tower queryTower, Tower itemTower, Interaction interaction, ThreeTowerModelConfig config) {
    this.queryTower = new PairFeatureTower(queryTower, Side.QUERY);
    this.itemTower = new PairFeatureTower(itemTower, Side.ITEM);
    this.interaction = new ThreeTowerInteraction(interaction, null, config.pairFields(), config.hidden());
  }

  @Override
  public Tower queryTower() {
    return queryTower;
  }

  @Override
  public Tower itemTower() {
    return itemTower;
  }

  @Override
  public Interaction interaction() {
    return interaction;
  }

  @Override
  public void initialize(InitContext ctx) {
    queryTower.initialize(ctx.scope("query-tower").withSide(Side.QUERY));
    itemTower.initialize(ctx.scope("item-tower").withSide(Side.ITEM));
    ((Parameterized) interaction).initialize(ctx.scope("interaction")
        .withTowerDims(queryTower.outputDim(), itemTower.outputDim()));
    queryTower.inputs(interaction.pairInputs());
    itemTower.inputs(interaction.pairInputs());
  }
}
