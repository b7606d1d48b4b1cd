package org.towerlab.modules.arf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;

/**
 * The Adaptive Neural Ranking Framework loss (Wang, Wang, Yang, Wen, Kong, Li, Gai, "Adaptive
 * Neural Ranking Framework: Toward Maximized Business Goal for Cascade Ranking Systems", arXiv
 * 2310.10462, 2024): a cascade stage is trained for the business goal Recall@m@k through its
 * relaxation {@code L_Relax}, plus the full-order term {@code L_Global}, both read from one
 * NeuralSort permutation of the candidate list's scores {@code [B, L] -> [B, L, L]}, combined by
 * a variant of uncertainty weighting (Kendall, Gal, Cipolla, CVPR 2018):
 * <pre>
 *   L = L_Relax + L_Global / (2 sigma^2) + log sigma
 *     = L_Relax + exp(-s) L_Global / 2 + s / 2,        s = log sigma^2 (learned)
 * </pre>
 * Only {@code L_Global} is re-weighted, as in the reference code; at the optimum over {@code s},
 * {@code sigma^2 = L_Global}, so when the model cannot fit the full order that term fades. The
 * scalar {@code s} is the loss's only parameter, {@code loss.log-variance} (created under the
 * loss's scope, updated by the run's optimizer); parameterizing it as a log-variance keeps the
 * loss finite for any value, where the reference's raw {@code sigma} makes {@code log sigma} NaN
 * once it crosses 0. With {@code weighting: fixed} the loss is {@code L_Relax + w L_Global} and
 * has no parameter.
 *
 * <p>Per-step diagnostics: {@code train/arf-relax}, {@code train/arf-global},
 * {@code train/arf-sigma2} ({@code exp(s)}), {@code train/arf-recall}, {@code train/arf-opa},
 * {@code train/arf-relax-lists} (see {@link ArfRelaxLoss} and {@link ArfGlobalLoss}).
 */
public final class ArfLoss implements Loss, Parameterized {
  private final ArfLossConfig config;
  private final ArfTerms.RelaxSettings relax;
  private NDArray logVariance;

  public ArfLoss(ArfLossConfig config) {
    this.config = config;
    this.relax = config.relax().settings();
  }

  @Override
  public void initialize(InitContext ctx) {
    if (config.weighting().equals("uncertainty")) {
      logVariance = ctx.params().create("log-variance", new Shape(), Init.constant(config.initLogVariance().floatValue()));
    }
  }

  /** The learned {@code s = log sigma^2} (a scalar on the run's manager), or {@code null} when fixed. */
  public NDArray logVariance() {
    return logVariance;
  }

  @Override
  public NDArray compute(LossInput input, Forward fwd) {
    NDManager bm = fwd.manager();
    ArfTerms terms = ArfTerms.of(input, fwd, config.temperature().floatValue(), config.k(), config.relevantOnly());
    NDArray lRelax = input.weightedMean(terms.relax(relax)); // []
    NDArray lGlobal = input.weightedMean(terms.global(config.globalTies().equals("group"))); // []
    NDArray total;
    if (config.weighting().equals("uncertainty")) {
      if (logVariance == null) {
        throw new IllegalStateException("ArfLoss with weighting: uncertainty must be initialized before use");
      }
      NDArray half = Tensors.scalar(bm, 0.5f);
      // exp(-s)/2 L_G + s/2, a batch array first in every op (results attach to its manager)
      NDArray precision = Tensors.scalar(bm, 0f).sub(logVariance).exp(); // []
      total = lRelax.add(lGlobal.mul(precision).mul(half)).add(half.mul(logVariance)); // []
      if (fwd.training()) {
        fwd.logMetric("arf-sigma2", Math.exp(logVariance.getFloat()));
      }
    } else {
      total = lRelax.add(lGlobal.mul(Tensors.scalar(bm, config.globalWeight().floatValue()))); // []
    }
    fwd.logMetric("arf-relax", lRelax);
    fwd.logMetric("arf-global", lGlobal);
    terms.logRecall(fwd, config.m());
    terms.logOpa(fwd);
    return total;
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
