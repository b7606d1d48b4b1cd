package org.towerlab.modules.arf;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;

/**
 * ARF's {@code L_Relax} alone (Wang et al., "Adaptive Neural Ranking Framework: Toward Maximized
 * Business Goal for Cascade Ranking Systems", arXiv 2310.10462, 2024): the relaxed
 * Recall@m@k of each candidate list,
 * {@code -sum_j y^(k)_j log( sum_{i<=m} P[i, j] + eps )} with {@code P = NeuralSort(scores, tau)}
 * {@code [B, L, L]} and {@code y^(k)} the label's top-k ({@link ListTargets}), averaged over the
 * batch's lists. Trains on candidate lists only ({@code trainer.rows: lists}).
 *
 * <p>Per-step diagnostics: {@code train/arf-relax} (this term), {@code train/arf-recall} (the hard
 * Recall@m@k of the training lists under the current scores) and {@code train/arf-relax-lists}
 * (the share of lists longer than {@code m}, the only ones the term counts).
 */
public final class ArfRelaxLoss implements Loss {
  private final ArfRelaxLossConfig config;

  public ArfRelaxLoss(ArfRelaxLossConfig config) {
    this.config = config;
  }

  @Override
  public NDArray compute(LossInput input, Forward fwd) {
    ArfTerms terms = ArfTerms.of(input, fwd, config.temperature().floatValue(), config.k(), config.relevantOnly());
    NDArray loss = input.weightedMean(terms.relax(config.settings())); // []
    fwd.logMetric("arf-relax", loss);
    terms.logRecall(fwd, config.m());
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
