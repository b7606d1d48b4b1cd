package org.towerlab.modules.inttower;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link IntTowerUserTower}. Defaults follow the official code
 * ({@code archersama/IntTower} @ a234d89, MovieLens script) unless stated: fields of 32 dimensions,
 * Light-SE on, layers (300, 300, 128), 32 heads of 64 dimensions, dropout 0.3; CIR weight 1 (the
 * paper's {@code L = L_ctr + L_cir}) at temperature 0.07 (the official {@code contrast_loss}).
 *
 * @param fields the side's fields the tower reads, by name ({@code id} is the entity id); null = every
 *     field of the side
 * @param embeddingDim width k of each field's embedding
 * @param lightSe whether Light-SE re-weights the field embeddings before the layers
 * @param hidden widths of the fully connected layers (ReLU and dropout after each)
 * @param heads number of FE heads H of each user layer's projection
 * @param headDim width d of each head (the item tower's {@code head-dim} must be the same)
 * @param feLayers which representations the FE-Block projects: {@code outputs} (the paper's figure: the
 *     output h_l of every layer, l = 1..L) or {@code inputs} (the official code: the input of every
 *     layer, x0 = Light-SE output, h_1, ..., h_{L-1}; h_L is then unused)
 * @param dropout dropout rate after every layer while training
 * @param initStd standard deviation of the embeddings' normal initialization (official: 1e-4 with
 *     BatchNorm after every layer; without BatchNorm we keep the project's 0.1)
 * @param cirWeight weight of the contrastive interaction regularization (0 turns it off)
 * @param cirTemperature temperature tau of CIR's cosine logits
 */
public record IntTowerUserTowerConfig(List<String> fields, Integer embeddingDim, Boolean lightSe,
    List<Integer> hidden, Integer heads, Integer headDim, String feLayers, Double dropout, Double initStd,
    Double cirWeight, Double cirTemperature) implements ComponentConfig.Tower {

  /** The two choices of {@code fe-layers}. */
  public static final List<String> FE_LAYERS = List.of("outputs", "inputs");

  public IntTowerUserTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    lightSe = lightSe == null ? Boolean.TRUE : lightSe;
    hidden = hidden == null ? List.of(300, 300, 128) : List.copyOf(hidden);
    heads = heads == null ? 32 : heads;
    headDim = headDim == null ? 64 : headDim;
    feLayers = feLayers == null ? "outputs" : feLayers;
    dropout = dropout == null ? 0.3 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    cirWeight = cirWeight == null ? 1.0 : cirWeight;
    cirTemperature = cirTemperature == null ? 0.07 : cirTemperature;
    Checks.common(fields, embeddingDim, hidden, heads, headDim, dropout, initStd);
    if (!FE_LAYERS.contains(feLayers)) {
      throw new IllegalArgumentException("fe-layers must be one of " + FE_LAYERS + ", got '" + feLayers + "'");
    }
    if (!(cirWeight >= 0) || cirWeight.isInfinite()) {
      throw new IllegalArgumentException("cir-weight must be finite and >= 0, got " + cirWeight);
    }
    if (!(cirTemperature > 0) || cirTemperature.isInfinite()) {
      throw new IllegalArgumentException("cir-temperature must be finite and > 0, got " + cirTemperature);
    }
  }

  /** Width of each layer's flattened projection and of the embedding: {@code heads * headDim}. */
  public int representationDim() {
    return heads * headDim;
  }
}
