package org.towerlab.api.model;

import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.nn.Params;

/**
 * What a component sees when it creates its parameters: a parameter scope named after its config
 * path, the split (training interactions only for anything derived from labels), and the side it
 * serves (for towers).
 */
public record InitContext(Params params, Split split, Side side) {

  public Dataset dataset() {
    return split.dataset();
  }

  public InitContext scope(String name) {
    return new InitContext(params.scope(name), split, side);
  }

  public InitContext withSide(Side s) {
    return new InitContext(params, split, s);
  }
}
