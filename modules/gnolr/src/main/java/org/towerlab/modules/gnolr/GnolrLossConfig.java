package org.towerlab.modules.gnolr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link GnolrLoss}. The levels are given either as one binary label per level
 * ({@code labels}, shallowest first) or as cuts on one graded label ({@code label} + {@code cuts});
 * see {@link OrdinalLevels}. Defaults: the simulator's levels {@code [click, like, share]}; the
 * other defaults follow the official code ({@code FuCongResearchSquad/GNOLR}: fixed thresholds from
 * the positive rates, {@code beta = 1e-3} for learnable ones, the nested optimization on).
 *
 * @param labels one binary label per level, shallowest first; default {@code [click, like, share]}
 *     unless {@code label} and {@code cuts} are set
 * @param label a graded label (for example {@code rating}) cut into levels by {@code cuts}
 * @param cuts strictly increasing cut values: level k is {@code label >= cuts[k]}
 * @param scales {@code S_k > 0}, one per level: {@code z_k = sum_{i<=k} S_i c_i}. For k &ge; 2 the
 *     guard {@code S_k < a_k - a_{k-1}} must hold on the training data (checked before training;
 *     the error gives the bounds); default {@value #DEFAULT_FIRST_SCALE} for the first level and
 *     {@value #DEFAULT_SCALE} for the others
 * @param odds the official code's {@code m_k}, fixing {@code a_k = -ln m_k}; default none: from the
 *     training positive rates, {@code m_k = pi_k / (1 - pi_k)}
 * @param learnThresholds whether the thresholds are learned (monotone and guard-safe by
 *     construction, initialized at {@code -ln m_k}, pulled back by {@code threshold-weight}); default
 *     false (fixed, as the paper's main results)
 * @param thresholdWeight {@code beta} of the regularizer {@code beta * mean_k (a_k - (-ln m_k))^2}
 *     on learned thresholds; default {@code 1e-3} (official)
 * @param nested the paper's nested optimization: the sum over {@code t = 1..K} of the ordinal
 *     likelihood of the first t levels (for K = 2: BCE of level 1 plus the full ordinal term);
 *     false = the full ordinal likelihood only (the official "GNOLR without nested optimization");
 *     default true
 */
public record GnolrLossConfig(List<String> labels, String label, List<Double> cuts, List<Double> scales,
    List<Double> odds, Boolean learnThresholds, Double thresholdWeight, Boolean nested)
    implements ComponentConfig.Loss {

  /** The default scale of the first level: the paper's {@code S = 4} (Ali-CCP). */
  public static final double DEFAULT_FIRST_SCALE = 4.0;
  /**
   * The default scale of deeper levels, below the guard bound of the data sets shipped here (the
   * simulator's click &lt; like &lt; share, ML-100K's rating cuts 3 &lt; 4 &lt; 5).
   */
  public static final double DEFAULT_SCALE = 0.5;

  public GnolrLossConfig {
    boolean cutForm = label != null || cuts != null;
    if (cutForm && labels != null) {
      throw new IllegalArgumentException("give the levels either as labels (one binary label per level) or as label"
          + " with cuts (a graded label), not both; got labels " + labels + ", label " + label + ", cuts " + cuts);
    }
    if (cutForm) {
      if (label == null || label.isBlank()) {
        throw new IllegalArgumentException("cuts " + cuts + " need the graded label they cut (label: rating), got "
            + (label == null ? "none" : "'" + label + "'"));
      }
      if (cuts == null || cuts.isEmpty()) {
        throw new IllegalArgumentException("label '" + label + "' needs its cuts, one per level (cuts: [3, 4, 5]), got "
            + cuts);
      }
      cuts = List.copyOf(cuts);
      for (int k = 0; k < cuts.size(); k++) {
        if (!Double.isFinite(cuts.get(k)) || (k > 0 && !(cuts.get(k) > cuts.get(k - 1)))) {
          throw new IllegalArgumentException("cuts must be finite and strictly increasing, got " + cuts);
        }
      }
    } else {
      labels = labels == null ? List.of("click", "like", "share") : List.copyOf(labels);
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("labels must name at least one level, got " + labels);
      }
      if (new HashSet<>(labels).size() != labels.size() || labels.stream().anyMatch(s -> s == null || s.isBlank())) {
        throw new IllegalArgumentException("labels must be distinct label names, got " + labels);
      }
    }
    int k = cutForm ? cuts.size() : labels.size();
    if (scales == null) {
      List<Double> s = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        s.add(i == 0 ? DEFAULT_FIRST_SCALE : DEFAULT_SCALE);
      }
      scales = List.copyOf(s);
    } else {
      scales = List.copyOf(scales);
    }
    if (scales.size() != k) {
      throw new IllegalArgumentException("scales needs one value per level (" + k + "), got " + scales);
    }
    for (Double s : scales) {
      if (s == null || !Double.isFinite(s) || s <= 0) {
        throw new IllegalArgumentException("scales must be positive and finite, got " + scales);
      }
    }
    if (odds != null) {
      odds = List.copyOf(odds);
      if (odds.size() != k) {
        throw new IllegalArgumentException("odds needs one m_k per level (" + k + "), got " + odds);
      }
      for (Double m : odds) {
        if (m == null || !Double.isFinite(m) || m <= 0) {
          throw new IllegalArgumentException("odds must be positive and finite, got " + odds);
        }
      }
    }
    learnThresholds = learnThresholds == null ? Boolean.FALSE : learnThresholds;
    thresholdWeight = thresholdWeight == null ? 1e-3 : thresholdWeight;
    if (!Double.isFinite(thresholdWeight) || thresholdWeight < 0) {
      throw new IllegalArgumentException("threshold-weight must be >= 0, got " + thresholdWeight);
    }
    nested = nested == null ? Boolean.TRUE : nested;
  }

  /** K, the number of levels. */
  public int levels() {
    return labels != null ? labels.size() : cuts.size();
  }
}
