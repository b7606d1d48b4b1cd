package org.towerlab.modules.preranking;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;

/**
 * A tower of the two-tower part that also passes what the three-tower model's cross tower needs:
 * on the query side the pair fields' counts ({@code pair:<field>}, float32 {@code [N, K]}), on the
 * item side each item's key ({@code pair-key:<key>}). Both are raw features, not learned, so the
 * item side stays precomputable. A {@link Coupling} of the wrapped tower (DAT, HIT) is kept.
 */
final class PairFeatureTower implements Tower, Coupling {
  private final Tower inner;
  private final Side side;
  private List<PairInput> inputs = List.of();

  PairFeatureTower(Tower inner, Side side) {
    this.inner = inner;
    this.side = side;
  }

  void inputs(List<PairInput> v) {
    inputs = List.copyOf(v);
  }

  @Override
  public void initialize(InitContext ctx) {
    inner.initialize(ctx);
  }

  @Override
  public long outputDim() {
    return inner.outputDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    TowerOutput out = inner.encode(features, fwd);
    Map<String, NDArray> extras = new LinkedHashMap<>(out.extras());
    for (PairInput p : inputs) {
      if (side == Side.QUERY) {
        extras.put(p.queryExtra(), features.field(p.field())); // [N, K]
      } else {
        extras.put(p.itemExtra(), features.field(p.key())); // [N] or [N, L]
      }
    }
    return new TowerOutput(out.embedding(), out.heads(), out.layers(), out.codes(), extras);
  }

  @Override
  public void couple(Pairs pairs, Forward fwd) {
    if (inner instanceof Coupling c) {
      c.couple(pairs, fwd);
    }
  }
}
