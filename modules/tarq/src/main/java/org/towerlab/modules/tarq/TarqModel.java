package org.towerlab.modules.tarq;

import org.towerlab.api.Compatibility;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;

/**
 * TARQ ({@code type: tarq}; Li, Zhu, Qiao, Guan, Shao, Liu, Zheng, "Equip Pre-ranking with Target
 * Attention by Residual Quantization", SIGIR 2026, arXiv 2509.16931): a two-tower pre-ranker whose
 * score approximates a target-attention teacher. The towers share the {@link ResidualQuantizer}:
 * the item tower quantizes each item's query into L codes, the user tower attends over the user's
 * behaviour sequence with every codeword as the query (the personalized codebook), and
 * {@link TarqInteraction} sums the user's vectors at the item's codes. The teacher
 * ({@link TargetAttention} over its own {@link SequenceTower}) exists only in training and is
 * trained and distilled by the user tower's coupling ({@link TarqUserTower}).
 *
 * <p>Parameters: {@code model.quantizer.level-<l>.*} (codebooks and their statistics),
 * {@code model.query-tower.*} (the student's user side and attention), {@code model.item-tower.*}
 * (phi), {@code model.teacher.user.*} and {@code model.teacher.attention.*} (the teacher).
 */
public final class TarqModel implements Model, Compatibility {
  private final TarqModelConfig config;
  private final String path;
  private final ResidualQuantizer quantizer;
  private final SequenceTower teacherUser;
  private final TargetAttention teacherAttention;
  private final TarqUserTower queryTower;
  private final TarqItemTower itemTower;
  private final TarqInteraction interaction;

  public TarqModel(TarqModelConfig config, String path) {
    this.config = config;
    this.path = path;
    Architecture arch = config.architecture();
    this.quantizer = new ResidualQuantizer(config);
    this.teacherUser = config.hasTeacher() ? new SequenceTower(arch, path) : null;
    this.teacherAttention = config.hasTeacher() ? new TargetAttention(arch) : null;
    this.queryTower = new TarqUserTower(config, path, quantizer, teacherUser, teacherAttention);
    this.itemTower = new TarqItemTower(arch, path, quantizer);
    this.interaction = new TarqInteraction(config);
  }

  public TarqModelConfig config() {
    return config;
  }

  ResidualQuantizer quantizer() {
    return quantizer;
  }

  TargetAttention teacherAttention() {
    return teacherAttention;
  }

  SequenceTower teacherUser() {
    return teacherUser;
  }

  @Override
  public void initialize(InitContext ctx) {
    quantizer.initialize(ctx.params().scope("quantizer"));
    queryTower.initialize(ctx.scope("query-tower").withSide(Side.QUERY));
    itemTower.initialize(ctx.scope("item-tower").withSide(Side.ITEM));
    if (teacherUser != null) {
      InitContext t = ctx.scope("teacher").withSide(Side.QUERY);
      teacherUser.initialize(t.scope("user"));
      teacherAttention.initialize(t.scope("attention"));
    }
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
