package org.towerlab.modules.mvke;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Dropout;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Mlp;
import org.towerlab.api.nn.Tensors;

/**
 * MVKE's user side (Xu et al., "Mixture of Virtual-Kernel Experts for Multi-Objective User Profile
 * Modeling", KDD 2022, arXiv 2106.07356; {@code motefly/MVKE} {@code core/mvke_ops.py}): the
 * virtual-kernel-expert (VKE) bottom and one expert per kernel.
 *
 * <pre>
 * E      = field embeddings                              [N, F, d]
 * q_k    = vk_k W_Q + b_Q ; key_f = e_f W_K ; val_f = e_f W_V + b_V
 * alpha  = softmax_over_F(key . q_k / sqrt(d))           [N, F, K]   each kernel spreads over the fields
 * C_k    = LayerNorm(alpha_{.,k} * val + E)              [N, K, F, d] fields re-weighted, not summed; residual
 * u_k    = Tower_k(flatten C_k)                          [N, K, d]   one MLP per kernel (or one shared)
 * </pre>
 *
 * The kernels {@code vk} are {@link VirtualKernels}, shared with the tag tower's gate. Output:
 * {@code heads} = the K experts {@code [N, K, d]} (what serving stores per user: K vectors);
 * {@code embedding} = the mean of the primary task's experts {@code [N, d]} (the primary score under
 * a uniform gate; what is exported as the user vector).
 *
 * <p>Where this differs from the official code: the key projection has no bias (the softmax over
 * fields is invariant to it, so it could never learn), and the expert towers are MLPs (the
 * released code reads them from an unreleased layer config).
 */
public final class MvkeUserTower implements Tower {
  private static final float LAYER_NORM_EPS = 1e-12f; // tf.contrib.layers.layer_norm's epsilon

  private final MvkeModelConfig config;
  private final VirtualKernels kernels;
  private final String path;
  private FieldEncoder fields;
  private NDArray wq; // [d, d]
  private NDArray bq; // [d]
  private NDArray wk; // [d, d]
  private NDArray wv; // [d, d]
  private NDArray bv; // [d]
  private NDArray gamma; // [d]
  private NDArray beta; // [d]
  private Mlp sharedExpert; // the one tower of every kernel (shared-expert-tower), or null
  private final List<NDArray[]> expertLayers = new ArrayList<>(); // per layer {W [K, in, out], b [K, 1, out]}
  private float[] primaryMean; // [K]: 1/|S| on the primary task's kernels

  /**
   * The bottom of a batch.
   *
   * @param attention alpha {@code [N, F, K]}: for each entity and kernel a distribution over fields
   * @param output C {@code [N, K, F, d]}
   */
  public record Bottom(NDArray attention, NDArray output) {}

  public MvkeUserTower(MvkeModelConfig config, VirtualKernels kernels, String path) {
    this.config = config;
    this.kernels = kernels;
    this.path = path;
  }

  @Override
  public void initialize(InitContext ctx) {
    kernels.ensureInitialized(ctx.params().scope("kernels")); // no-op when the model created them
    sharedExpert = null;
    expertLayers.clear();
    int d = config.dim();
    Fields.check(ctx, config.queryFields(), path + ".query-fields");
    fields = new FieldEncoder(ctx, config.queryFields(), d, config.initStd(), path);
    // the official code's dense layers: kernel N(0, 0.01), bias 0
    Init w = Init.normal(config.initStd());
    wq = ctx.params().create("bottom.query.weight", new Shape(d, d), w);
    bq = ctx.params().create("bottom.query.bias", new Shape(d), Init.zeros());
    wk = ctx.params().create("bottom.key.weight", new Shape(d, d), w);
    wv = ctx.params().create("bottom.value.weight", new Shape(d, d), w);
    bv = ctx.params().create("bottom.value.bias", new Shape(d), Init.zeros());
    gamma = ctx.params().create("bottom.norm.gamma", new Shape(d), Init.constant(1f));
    beta = ctx.params().create("bottom.norm.beta", new Shape(d), Init.zeros());
    List<Integer> widths = new ArrayList<>();
    widths.add(fields.fields().size() * d);
    widths.addAll(config.expertHidden());
    widths.add(d);
    if (config.sharedExpertTower()) {
      sharedExpert = new Mlp(ctx.params(), "expert", widths, config.dropout());
    } else {
      // K towers of the same shape, stored stacked so that one batched matmul per layer runs them all
      int k = config.kernels();
      for (int l = 0; l + 1 < widths.size(); l++) {
        expertLayers.add(new NDArray[] {
            ctx.params().create("experts." + l + ".weight", new Shape(k, widths.get(l), widths.get(l + 1)),
                Init.xavier()),
            ctx.params().create("experts." + l + ".bias", new Shape(k, 1, widths.get(l + 1)), Init.zeros())});
      }
    }
    primaryMean = new float[config.kernels()];
    List<Integer> primary = config.task(config.primary()).kernels();
    for (int k : primary) {
      primaryMean[k] = 1f / primary.size();
    }
  }

  @Override
  public long outputDim() {
    return config.dim();
  }

  /** The number of fields F the bottom attends over. */
  public int numFields() {
    return fields.fields().size();
  }

  @Override
  public TowerOutput encode(FeatureBatch features, Forward fwd) {
    int n = features.size();
    int d = config.dim();
    NDArray e = fields.encode(features).reshape(n, numFields(), d); // [N, F, d]
    Bottom bottom = bottom(e, fwd);
    NDArray u = experts(bottom.output(), fwd); // [N, K, d]
    NDArray mean = Tensors.create(fwd.manager(), primaryMean, new Shape(1, config.kernels(), 1)); // [1, K, 1]
    NDArray embedding = u.mul(mean).sum(new int[] {1}); // [N, d]
    return new TowerOutput(embedding, u, null, null, Map.of());
  }

  /** The VKE bottom over field embeddings {@code e [N, F, d]} (see the class comment). */
  public Bottom bottom(NDArray e, Forward fwd) {
    NDManager m = fwd.manager();
    int d = config.dim();
    NDArray vk = kernels.onBatch(fwd); // [K, d]
    NDArray q = vk.matMul(wq).add(bq); // [K, d]
    NDArray key = e.matMul(wk); // [N, F, d]
    NDArray val = e.matMul(wv).add(bv); // [N, F, d]
    NDArray logits = key.matMul(q.transpose()).div(Tensors.scalar(m, (float) Math.sqrt(d))); // [N, F, K]
    NDArray alpha = logits.softmax(1); // [N, F, K], over the fields
    NDArray weighted = alpha.transpose(0, 2, 1).expandDims(3).mul(val.expandDims(1)); // [N, K, F, d]
    NDArray c = layerNorm(weighted.add(e.expandDims(1))); // [N, K, F, d]
    return new Bottom(alpha, c);
  }

  /**
   * The experts {@code [N, K, d]} from the bottom's output {@code C [N, K, F, d]}: expert k is an
   * MLP (ReLU hidden layers, linear output) over {@code flatten C_k}, with its own weights, or one
   * shared MLP with {@code shared-expert-tower}.
   */
  public NDArray experts(NDArray c, Forward fwd) {
    Shape s = c.getShape();
    long n = s.get(0);
    long k = s.get(1);
    long flat = s.get(2) * s.get(3);
    if (sharedExpert != null) {
      return sharedExpert.forward(c.reshape(n * k, flat), fwd).reshape(n, k, config.dim()); // [N, K, d]
    }
    NDArray x = c.reshape(n, k, flat).transpose(1, 0, 2); // [K, N, F*d]
    for (int l = 0; l < expertLayers.size(); l++) {
      NDArray[] layer = expertLayers.get(l);
      x = x.batchMatMul(layer[0]).add(layer[1]); // [K, N, out_l]: tower k's layer l on its own C_k
      if (l + 1 < expertLayers.size()) {
        x = Activation.relu(x);
        if (fwd.training() && config.dropout() > 0) {
          x = Dropout.apply(x, config.dropout(), fwd);
        }
      }
    }
    return x.transpose(1, 0, 2); // [N, K, d]
  }

  private NDArray layerNorm(NDArray x) {
    NDArray mu = x.mean(new int[] {-1}, true); // [.., 1]
    NDArray centered = x.sub(mu);
    NDArray var = centered.square().mean(new int[] {-1}, true); // [.., 1]
    return centered.div(var.add(LAYER_NORM_EPS).sqrt()).mul(gamma).add(beta);
  }
}
