package org.towerlab.modules.dat;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link DatTower}. Defaults follow the paper (Yu et al., DLP-KDD 2021):
 * towers 256-128-32, {@code d_a = 32} (equal to the output width, which the mimic loss requires),
 * {@code lambda_u = lambda_v = 0.5}, L2-normalized outputs. The paper's {@code lambda_3 = 1} for the
 * Category Alignment Loss is not the default because the record does not know its side: set
 * {@code cal-weight: 1} on the item tower.
 *
 * @param fields the side's fields to use, by name ({@code id} is the entity id); null = every
 *     field of the side
 * @param embeddingDim width of each field's embedding (and of each dense field's projection)
 * @param hidden hidden layer widths of the MLP over {@code [e_1 || .. || e_n || a]}
 * @param outputDim width of the tower's output vector {@code p}
 * @param dropout dropout rate after each hidden layer while training
 * @param initStd standard deviation of the normal initialization of field embeddings and of the
 *     augmented vectors
 * @param augmentDim {@code d_a}, width of the ID-keyed augmented vector {@code a}; it must equal the
 *     other tower's output width when {@code mimic-weight > 0}. Null = {@code output-dim}; 0 turns
 *     the augmented vector off (the tower is then an MLP tower, optionally normalized)
 * @param mimicWeight {@code lambda_u} (query tower) or {@code lambda_v} (item tower): weight of the
 *     Adaptive-Mimic loss; null = 0.5 with an augmented vector, 0 without
 * @param calWeight {@code lambda_3}: weight of the Category Alignment Loss; item tower only
 * @param normalize whether the output is {@code p = h / ||h||} as in the paper
 * @param label the pair label that marks positives for the mimic loss (0/1 values)
 */
public record DatTowerConfig(List<String> fields, Integer embeddingDim, List<Integer> hidden,
    Integer outputDim, Double dropout, Double initStd, Integer augmentDim, Double mimicWeight,
    Double calWeight, Boolean normalize, String label) implements ComponentConfig.Tower {

  public DatTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    hidden = hidden == null ? List.of(256, 128) : List.copyOf(hidden);
    outputDim = outputDim == null ? 32 : outputDim;
    dropout = dropout == null ? 0.0 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    augmentDim = augmentDim == null ? outputDim : augmentDim;
    mimicWeight = mimicWeight == null ? (augmentDim > 0 ? 0.5 : 0.0) : mimicWeight;
    calWeight = calWeight == null ? 0.0 : calWeight;
    normalize = normalize == null ? Boolean.TRUE : normalize;
    label = label == null ? "positive" : label;
    if (embeddingDim <= 0) {
      throw new IllegalArgumentException("embedding-dim must be positive, got " + embeddingDim);
    }
    if (outputDim <= 0) {
      throw new IllegalArgumentException("output-dim must be positive, got " + outputDim);
    }
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (initStd <= 0) {
      throw new IllegalArgumentException("init-std must be positive, got " + initStd);
    }
    if (augmentDim < 0) {
      throw new IllegalArgumentException("augment-dim must be >= 0 (0 turns the augmented vector off), got "
          + augmentDim);
    }
    if (!(mimicWeight >= 0) || mimicWeight.isInfinite()) {
      throw new IllegalArgumentException("mimic-weight must be a finite number >= 0, got " + mimicWeight);
    }
    if (mimicWeight > 0 && augmentDim == 0) {
      throw new IllegalArgumentException("mimic-weight " + mimicWeight
          + " needs an augmented vector, but augment-dim is 0; set mimic-weight: 0 or augment-dim > 0");
    }
    if (!(calWeight >= 0) || calWeight.isInfinite()) {
      throw new IllegalArgumentException("cal-weight must be a finite number >= 0, got " + calWeight);
    }
    if (label.isBlank()) {
      throw new IllegalArgumentException("label must name a pair label such as 'positive', got '" + label + "'");
    }
    if (fields != null && fields.isEmpty()) {
      throw new IllegalArgumentException("fields is empty; leave it out to use every field of the side");
    }
  }
}
