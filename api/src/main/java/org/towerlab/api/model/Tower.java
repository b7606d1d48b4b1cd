package org.towerlab.api.model;

/**
 * Encodes the entities of one side (queries or items) into a {@link TowerOutput}.
 *
 * <p>A tower must not look at the other side's batch: whatever crosses between the towers during
 * training goes through {@link Coupling}. That keeps the item side precomputable.
 */
public interface Tower extends Parameterized {

  /**
   * @param features the side's features for N entities
   * @param fwd the forward pass (batch manager, training flag, aux loss sink)
   * @return the output, every array on {@code fwd.manager()}; {@code embedding} is {@code [N, D]}
   */
  TowerOutput encode(FeatureBatch features, Forward fwd);

  /**
   * The width D of {@link TowerOutput#embedding()}, known from the config, or {@code -1} when only
   * an encode pass tells. Interactions with weights over the pair (an MLP over {@code [q; i]}) need
   * it when they create their parameters.
   */
  default long outputDim() {
    return -1;
  }
}
