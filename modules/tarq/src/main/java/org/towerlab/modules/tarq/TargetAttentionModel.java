package org.towerlab.modules.tarq;

import org.towerlab.api.Compatibility;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;

/**
 * TARQ's teacher architecture as a model of its own ({@code type: target-attention}): a
 * {@link SequenceTower} on the user side, an {@link ItemQueryTower} on the item side, scored by
 * {@link TargetAttention}. A ranker, not a two-tower model: its item side is not precomputable. It
 * is the teacher of the {@code distill} strategy's TARQ example (the teacher trained first), and
 * the quality ceiling TARQ's student approaches.
 */
public final class TargetAttentionModel implements Model, Compatibility {
  private final TargetAttentionModelConfig config;
  private final String path;
  private final SequenceTower queryTower;
  private final ItemQueryTower itemTower;
  private final TargetAttention interaction;

  public TargetAttentionModel(TargetAttentionModelConfig config, String path) {
    this.config = config;
    this.path = path;
    Architecture arch = config.architecture();
    this.queryTower = new SequenceTower(arch, path);
    this.itemTower = new ItemQueryTower(arch, path);
    this.interaction = new TargetAttention(arch);
  }

  public TargetAttentionModelConfig config() {
    return config;
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
  public String incompatibility(Parts parts) {
    return parts.split() == null ? null : SequenceTower.problem(parts.split().dataset(), config.architecture(), path);
  }
}
