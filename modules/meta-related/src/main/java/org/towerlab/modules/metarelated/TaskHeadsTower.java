package org.towerlab.modules.metarelated;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.towerlab.api.Compatibility;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Linear;

/**
 * Two task heads over any tower, for the multi-task variant of Meta's related-video retrieval
 * ("multi-task learning over co-engagement and semantic relevance", Jaspal et al., arXiv
 * 2507.09403 [P: abstract]; the shared-tower, two-head layout is our recipe [I]):
 *
 * <pre>
 *   x   = base(features)                  [N, D]
 *   h_t = x W_t + b_t                      [N, d]     t = engagement, relevance
 *   u_t = h_t / ||h_t||                    [N, d]     (normalize: true)
 *   heads     = [u_engagement, u_relevance] [N, 2, d]
 *   embedding = u_engagement               [N, d]
 * </pre>
 *
 * The shared base learns from both objectives; the {@code task-heads} interaction scores each task
 * from its head and the {@code meta-multitask} loss trains both. Head 0 is engagement, head 1
 * relevance ({@link #ENGAGEMENT_HEAD}, {@link #RELEVANCE_HEAD}).
 *
 * <p>The base keeps what it adds: its auxiliary losses in {@code encode} and, when it is a
 * {@link Coupling}, its coupling, which this tower forwards with the two sides' base outputs (on a
 * training pass the base output travels in {@link TowerOutput#extras()} under
 * {@value #BASE}{@code *}; the other side's base output when it is a {@code task-heads} tower too,
 * else that side's own output); its compatibility checks see the base towers. Parameters:
 * {@code head.engagement.*}, {@code head.relevance.*} and the base's under {@code base.}.
 */
public final class TaskHeadsTower implements Tower, Coupling, Compatibility {
  /** Index of the engagement head in {@link TowerOutput#heads()}. */
  public static final int ENGAGEMENT_HEAD = 0;
  /** Index of the relevance head in {@link TowerOutput#heads()}. */
  public static final int RELEVANCE_HEAD = 1;
  /** Prefix of the extras that carry the base tower's output while training. */
  public static final String BASE = "task-heads.base.";

  private final TaskHeadsTowerConfig config;
  private final Tower base;
  private final String path;
  private Linear engagement;
  private Linear relevance;

  /**
   * @param base the built base tower
   * @param path the config path, for messages
   */
  public TaskHeadsTower(TaskHeadsTowerConfig config, Tower base, String path) {
    this.config = config;
    this.base = base;
    this.path = path;
  }

  public TaskHeadsTowerConfig config() {
    return config;
  }

  public Tower base() {
    return base;
  }

  @Override
  public void initialize(InitContext ctx) {
    base.initialize(ctx.scope("base"));
    long d = base.outputDim();
    if (d <= 0) {
      throw new UserException("The task-heads tower at " + path + " puts its heads on the output of its base tower ("
          + base.getClass().getSimpleName() + "), which does not state its output width. Use a base tower with an"
          + " output-dim (mlp, dat, hit).");
    }
    int in = Math.toIntExact(d);
    engagement = new Linear(ctx.params(), "head.engagement", in, config.headDim(), true);
    relevance = new Linear(ctx.params(), "head.relevance", in, config.headDim(), true);
  }

  @Override
  public long outputDim() {
    return config.headDim();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    TowerOutput b = base.encode(features, fwd);
    NDArray x = b.embedding(); // [N, D]
    NDArray e = engagement.forward(x); // [N, d]
    NDArray r = relevance.forward(x); // [N, d]
    if (config.normalize()) {
      e = unit(e);
      r = unit(r);
    }
    NDArray heads = NDArrays.stack(new NDList(e, r), 1); // [N, 2, d]
    Map<String, NDArray> extras = fwd.training() ? pack(b) : Map.of();
    return new TowerOutput(e, heads, null, null, extras);
  }

  /** {@code h / sqrt(||h||^2 + 1e-12)} over the last axis. */
  static NDArray unit(NDArray h) {
    return h.div(h.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
  }

  @Override
  public void couple(Coupling.Pairs pairs, Forward fwd) {
    if (!(base instanceof Coupling c)) {
      return;
    }
    c.couple(pairs.mapOutputs(TaskHeadsTower::unpack), fwd);
  }

  @Override
  public String incompatibility(Parts parts) {
    if (!(base instanceof Compatibility c)) {
      return null;
    }
    String problem = c.incompatibility(parts.mapTowers(TaskHeadsTower::baseOf));
    return problem == null ? null : "In the base tower of " + path + ": " + problem;
  }

  private static Object baseOf(Object tower) {
    return tower instanceof TaskHeadsTower t ? t.base : tower;
  }

  private static Map<String, NDArray> pack(TowerOutput b) {
    return b.packed(BASE);
  }

  /** The base output a training output carries, or the output itself when it carries none. */
  public static TowerOutput unpack(TowerOutput out) {
    return TowerOutput.unpacked(out, BASE);
  }

}
