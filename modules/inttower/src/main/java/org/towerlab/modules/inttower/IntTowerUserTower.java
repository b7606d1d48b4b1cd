package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Tensors;

/**
 * IntTower's user tower (Li et al., "IntTower: the Next Generation of Two-Tower Model for
 * Pre-Ranking System", CIKM 2022): Light-SE over the user's field embeddings, fully connected
 * layers, and one FE projection per layer into H heads, so that the FE-Block can match every user
 * layer against the item's last layer; during training it adds the contrastive interaction
 * regularization (CIR) through {@link Coupling}.
 *
 * <pre>
 * [x0, h_1, ..., h_L] = TowerBody(fields)                     (Light-SE, ReLU layers with dropout)
 * taps  = h_1..h_L (fe-layers: outputs)  or  x0..h_{L-1} (fe-layers: inputs, the official code)
 * M_u^l = reshape(W_u^l tap_l + b_u^l, [N, H, d])             one projection per tap
 * </pre>
 *
 * Output: {@code layers} = the flattened projections {@code vec M_u^l}, each {@code [N, H*d]} (what
 * {@link FeBlockInteraction} scores); {@code heads} = the last projection {@code [N, H, d]};
 * {@code embedding} = {@code sum_l vec M_u^l} {@code [N, H*d]}, so that with one head the dot
 * product of the embeddings equals the FE score (a dot/cosine interaction on these towers scores
 * aligned heads summed over layers, not MaxSim).
 *
 * <p>CIR ({@link Cir}): an InfoNCE term over the cosine of the user's last projection and the item
 * representations of the row's own item (positive) and of the in-batch and sampled candidates,
 * added as {@code inttower-cir} = {@code cir-weight * L_cir}; no stop-gradient, so it trains both
 * towers. The tower reads only the user's features, so the item side stays precomputable.
 */
public final class IntTowerUserTower implements Tower, Coupling, Compatibility {
  /** The auxiliary loss name of CIR. */
  public static final String CIR = "inttower-cir";

  private final IntTowerUserTowerConfig config;
  private final String path;
  private TowerBody body;
  private final List<Integer> taps = new ArrayList<>();
  private final List<Linear> projections = new ArrayList<>();

  public IntTowerUserTower(IntTowerUserTowerConfig config, String path) {
    this.config = config;
    this.path = path;
  }

  public IntTowerUserTowerConfig config() {
    return config;
  }

  @Override
  public void initialize(InitContext ctx) {
    if (ctx.side() != Side.QUERY) {
      throw new UserException("The inttower-user tower at " + path + " is the paper's user tower (per-layer FE "
          + "projections and CIR) but serves the item side. Use {type: inttower-item} for model.item-tower.");
    }
    body = new TowerBody(ctx, config.fields(), config.embeddingDim(), config.lightSe(), config.hidden(),
        config.dropout(), config.initStd(), path);
    List<Integer> widths = body.widths();
    int layers = widths.size() - 1;
    taps.clear();
    projections.clear();
    if (layers == 0) {
      taps.add(0);
    } else {
      boolean outputs = "outputs".equals(config.feLayers());
      for (int l = 0; l < layers; l++) {
        taps.add(outputs ? l + 1 : l);
      }
    }
    for (int i = 0; i < taps.size(); i++) {
      projections.add(new Linear(ctx.params().scope("fe"), String.valueOf(i), widths.get(taps.get(i)),
          config.representationDim(), true));
    }
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
    List<NDArray> hs = body.forward(features, fwd);
    List<NDArray> projected = new ArrayList<>();
    NDArray sum = null;
    for (int i = 0; i < taps.size(); i++) {
      NDArray p = projections.get(i).forward(hs.get(taps.get(i))); // [N, H*d]
      projected.add(p);
      sum = sum == null ? p : sum.add(p); // [N, H*d]
    }
    NDArray last = projected.get(projected.size() - 1); // [N, H*d]
    NDArray heads = last.reshape(last.getShape().get(0), config.heads(), config.headDim()); // [N, H, d]
    return new TowerOutput(sum, heads, projected, null, null);
  }

  /**
   * Adds {@code cir-weight * L_cir} as {@value #CIR} (nothing when the weight is 0 or the step has no
   * positive row). See {@link Cir#loss}.
   */
  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    if (config.cirWeight() == 0 || pairs.side() != Side.QUERY) {
      return;
    }
    NDArray loss = Cir.loss(pairs, config.cirTemperature(), path, fwd.manager()); // []
    if (loss != null) {
      fwd.addAuxLoss(CIR, loss.mul(Tensors.scalar(fwd.manager(), config.cirWeight().floatValue())));
    }
  }

  /** CIR compares the user's last projection with the item representation by cosine: equal widths. */
  @Override
  public String incompatibility(Parts parts) {
    if (parts.queryTower() != this || config.cirWeight() == 0) {
      return null;
    }
    long item = parts.itemTower() instanceof Tower t ? t.outputDim() : -1;
    if (item > 0 && item != config.representationDim()) {
      return "CIR compares the inttower-user projection (heads x head-dim = " + config.representationDim()
          + ") with the item representation by cosine, but the item tower's width is " + item
          + ": make the item tower's heads x head-dim (or output-dim) equal, or set model.query-tower.cir-weight: 0.";
    }
    return null;
  }
}
