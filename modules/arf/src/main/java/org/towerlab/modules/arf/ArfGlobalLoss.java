package org.towerlab.modules.arf;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;

/**
 * ARF's {@code L_Global} alone (Wang et al., arXiv 2310.10462, 2024): the cross-entropy
 * between the label permutation {@code P_y} and the relaxed permutation of the scores over every
 * rank, {@code -(1/n^2) sum_{i, j} P_y[i, j] log P[i, j]}, the differentiable stand-in for the
 * ordered pair accuracy (OPA) of the whole list, averaged over the batch's lists. With
 * {@code ties: group} (the default) a rank's target is the group of slots sharing its label, so
 * ties are not ordered (see {@code ArfTerms.global}). Trains on candidate lists only
 * ({@code trainer.rows: lists}).
 *
 * <p>Per-step diagnostics: {@code train/arf-global} (this term) and {@code train/arf-opa} (the
 * training lists' hard OPA under the current scores).
 */
public final class ArfGlobalLoss implements Loss {
  private final ArfGlobalLossConfig config;

  public ArfGlobalLoss(ArfGlobalLossConfig config) {
    this.config = config;
  }

  @Override
  public NDArray compute(LossInput input, Forward fwd) {
    ArfTerms terms = ArfTerms.of(input, fwd, config.temperature().floatValue(), 1, true);
    NDArray loss = input.weightedMean(terms.global(config.ties().equals("group"))); // []
    fwd.logMetric("arf-global", loss);
    terms.logOpa(fwd);
    return loss;
  }

  @Override
  public boolean needsNegatives() {
    return false;
  }

  @Override
  public List<TrainingRows> rows() {
    return List.of(TrainingRows.LISTS);
  }
}
