package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, ICLR 2019) and global-norm gradient
 * clipping, written with in-place NDArray ops so that its state (first and second moments, step
 * count) can be checkpointed and a resumed run continues to the same numbers.
 *
 * <p>{@code g <- g * min(1, clip / ||g||)}; {@code m <- b1 m + (1 - b1) g};
 * {@code v <- b2 v + (1 - b2) g^2}; {@code w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * - lr wd w}. Gradients are zeroed after the update (PyTorch accumulates them otherwise).
 */
public final class AdamW {
  private final List<NDArray> params;
  private final List<String> names;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final float lr;
  private final float weightDecay;
  private final float clipNorm;
  private final float beta1 = 0.9f;
  private final float beta2 = 0.999f;
  private final float eps = 1e-8f;
  private long t;

  public AdamW(Map<String, NDArray> params, NDManager stateManager, double lr, double weightDecay, double clipNorm) {
    this.params = new ArrayList<>(params.values());
    this.names = new ArrayList<>(params.keySet());
    for (NDArray p : this.params) {
      m.add(stateManager.zeros(p.getShape()));
      v.add(stateManager.zeros(p.getShape()));
    }
    this.lr = (float) lr;
    this.weightDecay = (float) weightDecay;
    this.clipNorm = (float) clipNorm;
  }

  /**
   * One update from the accumulated gradients. Every temporary is closed before returning.
   *
   * @return the global gradient norm before clipping
   */
  public double step() {
    try (NDScope scope = new NDScope()) {
      return update();
    }
  }

  private double update() {
    t++;
    List<NDArray> grads = new ArrayList<>();
    double sq = 0;
    for (int i = 0; i < params.size(); i++) {
      NDArray g = params.get(i).getGradient();
      grads.add(g);
      float s = g.square().sum().getFloat();
      if (Boolean.getBoolean("towerlab.debug.grad")) {
        System.err.println("step " + t + " " + names.get(i) + " gsq " + s + " maxabs " + g.abs().max().getFloat()
            + " param maxabs " + params.get(i).abs().max().getFloat() + " v max " + v.get(i).max().getFloat());
      }
      if (!Float.isFinite(s)) {
        throw new IllegalStateException("the gradient of '" + names.get(i) + "' is not finite at step " + (t)
            + "; lower trainer.learning-rate or set trainer.clip-norm");
      }
      sq += s;
    }
    double norm = Math.sqrt(sq);
    float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
    float c1 = (float) (1 - Math.pow(beta1, t));
    float c2 = (float) (1 - Math.pow(beta2, t));
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray g = grads.get(i);
      if (scale != 1f) {
        g = g.mul(scale);
      }
      m.get(i).muli(beta1).addi(g.mul(1 - beta1));
      v.get(i).muli(beta2).addi(g.square().mul(1 - beta2));
      NDArray update = m.get(i).div(c1).div(v.get(i).div(c2).sqrt().add(eps)).mul(lr); // [shape of p]
      if (weightDecay > 0) {
        p.subi(p.mul(lr * weightDecay));
      }
      p.subi(update);
      grads.get(i).subi(grads.get(i)); // zero the accumulated gradient in place
    }
    return norm;
  }

  public long steps() {
    return t;
  }

  /** Moments in parameter order, then the step count (for checkpoints). */
  public NDList state() {
    NDList out = new NDList();
    out.addAll(m);
    out.addAll(v);
    return out;
  }

  public void restore(List<float[]> moments, long steps) {
    for (int i = 0; i < params.size(); i++) {
      m.get(i).set(moments.get(i));
      v.get(i).set(moments.get(params.size() + i));
    }
    this.t = steps;
  }
}
