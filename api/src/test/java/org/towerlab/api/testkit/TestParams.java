package org.towerlab.api.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.nn.Params;

/**
 * A parameter set on a test's manager, initialized from a seed, with the init contexts the runner
 * would give: {@code model.query-tower}, {@code model.item-tower}, {@code model.interaction},
 * {@code loss}.
 */
public final class TestParams {
  private final Params root;

  public TestParams(NDManager manager, long seed) {
    this.root = new Params(manager, new SplittableRandom(seed));
  }

  public Params root() {
    return root;
  }

  /** The context of a tower of {@code side}, under {@code model.query-tower} or {@code model.item-tower}. */
  public InitContext tower(Split split, Side side) {
    return new InitContext(root.scope("model").scope(side == Side.QUERY ? "query-tower" : "item-tower"), split, side);
  }

  /** The context of an interaction, under {@code model.interaction}. */
  public InitContext interaction(Split split) {
    return new InitContext(root.scope("model").scope("interaction"), split, null);
  }

  /** The context of a loss, under {@code loss}. */
  public InitContext loss(Split split) {
    return new InitContext(root.scope("loss"), split, null);
  }

  /** The context of a whole model, under {@code model} (pass to {@code Model.initialize}). */
  public InitContext model(Split split) {
    return new InitContext(root.scope("model"), split, null);
  }

  /** The trainable parameters whose names start with {@code prefix}, in creation order. */
  public Map<String, NDArray> under(String prefix) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    root.trainable().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** Every trainable parameter. */
  public Map<String, NDArray> all() {
    return root.trainable();
  }
}
