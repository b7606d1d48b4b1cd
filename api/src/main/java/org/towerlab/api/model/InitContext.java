package org.towerlab.api.model;

import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.nn.Params;

/**
 * What a component sees when it creates its parameters: a parameter scope named after its config
 * path, the split (training interactions only for anything derived from labels), the side it
 * serves (for towers), and, for an interaction, the towers' output widths ({@code -1} when a tower
 * does not state it: see {@link Tower#outputDim()}).
 */
public record InitContext(Params params, Split split, Side side, long queryDim, long itemDim) {

  public InitContext(Params params, Split split, Side side) {
    this(params, split, side, -1, -1);
  }

  public Dataset dataset() {
    return split.dataset();
  }

  public InitContext scope(String name) {
    return new InitContext(params.scope(name), split, side, queryDim, itemDim);
  }

  public InitContext withSide(Side s) {
    return new InitContext(params, split, s, queryDim, itemDim);
  }

  /** This context with the towers' output widths (for interactions with weights over the pair). */
  public InitContext withTowerDims(long query, long item) {
    return new InitContext(params, split, side, query, item);
  }
}
