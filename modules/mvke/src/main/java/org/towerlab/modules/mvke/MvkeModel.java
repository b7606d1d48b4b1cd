package org.towerlab.modules.mvke;

import org.towerlab.api.data.Side;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;

/**
 * MVKE (Xu et al., "Mixture of Virtual-Kernel Experts for Multi-Objective User Profile Modeling",
 * KDD 2022, arXiv 2106.07356) as one model: the user tower ({@link MvkeUserTower}: VKE bottom and
 * K experts) and the tag tower ({@link MvkeTagTower}: a tag vector and a gate per task) built
 * around one set of {@link VirtualKernels}, scored by {@link MvkeInteraction}. The kernels cross the
 * towers only as a shared parameter (never an activation), so each side still encodes without the
 * other and the tag side is precomputable.
 *
 * <p>Parameters: {@code model.kernels.vk} first, then {@code model.query-tower.*} and
 * {@code model.item-tower.*}. Train it with {@code mvke-bce} (a BCE per task on logged rows) for
 * the multi-task objective; a single-score loss (a sampled softmax) trains the primary task only.
 */
public final class MvkeModel implements Model {
  private final MvkeModelConfig config;
  private final VirtualKernels kernels;
  private final MvkeUserTower user;
  private final MvkeTagTower tag;
  private final MvkeInteraction interaction;

  public MvkeModel(MvkeModelConfig config, String path) {
    this.config = config;
    this.kernels = new VirtualKernels(config.kernels(), config.dim(), config.kernelInitStd());
    this.user = new MvkeUserTower(config, kernels, path);
    this.tag = new MvkeTagTower(config, kernels, path);
    this.interaction = new MvkeInteraction(config);
  }

  public MvkeModelConfig config() {
    return config;
  }

  /** The virtual kernels shared by both towers. */
  public VirtualKernels kernels() {
    return kernels;
  }

  @Override
  public Tower queryTower() {
    return user;
  }

  @Override
  public Tower itemTower() {
    return tag;
  }

  @Override
  public Interaction interaction() {
    return interaction;
  }

  /** The kernels under {@code kernels}, then both towers as every model does. */
  @Override
  public void initialize(InitContext ctx) {
    kernels.initialize(ctx.params().scope("kernels"));
    user.initialize(ctx.scope("query-tower").withSide(Side.QUERY));
    tag.initialize(ctx.scope("item-tower").withSide(Side.ITEM));
  }
}
