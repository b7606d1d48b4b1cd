package org.towerlab.api.model;

import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;

/**
 * What a run trains and evaluates. A tower model exposes its two towers and interaction; the
 * trainer encodes, samples, scores and computes the loss, and evaluators score through a scorer
 * the trainer builds from the towers (item side cached when the interaction allows it). A model
 * without towers (the most-popular floor, a fixed ranker) is not trainable and supplies its own
 * scorer.
 */
public interface Model extends Parameterized {

  /** False for models with nothing to train; they must override {@link #fixedScorer}. */
  default boolean trainable() {
    return true;
  }

  Tower queryTower();

  Tower itemTower();

  Interaction interaction();

  @Override
  default void initialize(InitContext ctx) {
    queryTower().initialize(ctx.scope("query-tower").withSide(org.towerlab.api.data.Side.QUERY));
    itemTower().initialize(ctx.scope("item-tower").withSide(org.towerlab.api.data.Side.ITEM));
    if (interaction() instanceof Parameterized p) {
      p.initialize(ctx.scope("interaction").withTowerDims(queryTower().outputDim(), itemTower().outputDim()));
    }
  }

  /** The scorer of a model that is not made of towers; {@code null} for tower models. */
  default Scorer fixedScorer(Split split) {
    return null;
  }
}
