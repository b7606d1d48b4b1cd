package org.towerlab.modules.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;

/**
 * Combines losses: {@code L = sum_i w_i L_i}, or with learned uncertainty weights
 * {@code L = sum_i exp(-s_i) w_i L_i + s_i} (Kendall et al., CVPR 2018). Terms that have weights
 * of their own are initialized under {@code loss.terms.<i>}; the log-variances are
 * {@code loss.log-var.<i>}.
 */
public final class WeightedSumLoss implements Loss, Parameterized, org.towerlab.api.Compatibility {
  private final List<Loss> terms;
  private final float[] weights;
  private final boolean uncertainty;
  private final List<NDArray> logVars = new ArrayList<>();

  public WeightedSumLoss(List<Loss> terms, float[] weights, boolean uncertainty) {
    this.terms = List.copyOf(terms);
    this.weights = weights.clone();
    this.uncertainty = uncertainty;
  }

  /** Builds the terms through the registry (paths {@code <path>.terms[i].loss}). */
  public static WeightedSumLoss create(WeightedSumLossConfig config, org.towerlab.registry.BuildContext ctx) {
    List<Loss> terms = new ArrayList<>();
    float[] weights = new float[config.terms().size()];
    for (int i = 0; i < weights.length; i++) {
      terms.add(ctx.build(org.towerlab.api.Kind.LOSS, config.terms().get(i).loss(), "terms[" + i + "].loss", Loss.class));
      weights[i] = config.terms().get(i).weight().floatValue();
    }
    return new WeightedSumLoss(terms, weights, config.uncertainty());
  }

  @Override
  public void initialize(InitContext ctx) {
    for (int i = 0; i < terms.size(); i++) {
      if (terms.get(i) instanceof Parameterized p) {
        p.initialize(ctx.scope("terms." + i));
      }
      if (uncertainty) {
        logVars.add(ctx.params().create("log-var." + i, new Shape(), Init.zeros()));
      }
    }
  }

  @Override
  public NDArray compute(LossInput input, Forward fwd) {
    NDArray total = null;
    for (int i = 0; i < terms.size(); i++) {
      NDArray li = terms.get(i).compute(input, fwd); // scalar
      NDArray term = li.mul(Tensors.scalar(fwd.manager(), weights[i]));
      if (uncertainty) {
        NDArray s = logVars.get(i);
        // exp(-s) w L + s, written with a batch array first (results attach to the first operand's manager)
        term = term.mul(Tensors.scalar(fwd.manager(), 0f).sub(s).exp()).add(s);
      }
      total = total == null ? term : total.add(term);
    }
    return total;
  }

  @Override
  public boolean needsNegatives() {
    return terms.stream().anyMatch(Loss::needsNegatives);
  }

  /**
   * The terms' own checks, each asked with itself as the run's loss, so a term that needs a model,
   * sampler or label column (mvke-bce, gnolr, popularity IPW) is refused inside a sum as it would be
   * alone.
   */
  @Override
  public String incompatibility(Parts parts) {
    for (int i = 0; i < terms.size(); i++) {
      if (terms.get(i) instanceof org.towerlab.api.Compatibility c) {
        String p = c.incompatibility(new Parts(parts.model(), parts.queryTower(), parts.itemTower(),
            parts.interaction(), parts.sampler(), terms.get(i), parts.trainer(), parts.split()));
        if (p != null) {
          return "weighted-sum terms[" + i + "]: " + p;
        }
      }
    }
    return null;
  }

  @Override
  public boolean needsTeacher() {
    return terms.stream().anyMatch(Loss::needsTeacher);
  }

  /** The modes every term accepts, in the first term's order of preference. */
  @Override
  public java.util.List<org.towerlab.api.loss.TrainingRows> rows() {
    java.util.List<org.towerlab.api.loss.TrainingRows> out = new ArrayList<>(terms.get(0).rows());
    for (Loss t : terms) {
      out.retainAll(t.rows());
    }
    if (out.isEmpty()) {
      throw new org.towerlab.api.UserException("The terms of the weighted-sum loss accept no common row mode ("
          + terms.stream().map(t -> t.getClass().getSimpleName() + " " + t.rows()).toList()
          + "): one trains on positive rows, another on logged rows or lists. Combine losses that read the same rows.");
    }
    return out;
  }
}
