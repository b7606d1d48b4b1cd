package org.towerlab.modules.inttower;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link IntTowerItemTower}. Defaults follow the official code
 * ({@code archersama/IntTower} @ a234d89, MovieLens script): fields of 32 dimensions, Light-SE on,
 * layers (300, 300, 128), 32 heads of 64 dimensions, dropout 0.3.
 *
 * @param fields the side's fields the tower reads, by name ({@code id} is the entity id); null = every
 *     field of the side
 * @param embeddingDim width k of each field's embedding
 * @param lightSe whether Light-SE re-weights the field embeddings before the layers
 * @param hidden widths of the fully connected layers (ReLU and dropout after each)
 * @param heads number of FE heads H' of the last layer's projection
 * @param headDim width d of each head (the user tower's {@code head-dim} must be the same)
 * @param dropout dropout rate after every layer while training
 * @param initStd standard deviation of the embeddings' normal initialization
 */
public record IntTowerItemTowerConfig(List<String> fields, Integer embeddingDim, Boolean lightSe,
    List<Integer> hidden, Integer heads, Integer headDim, Double dropout, Double initStd)
    implements ComponentConfig.Tower {

  public IntTowerItemTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    lightSe = lightSe == null ? Boolean.TRUE : lightSe;
    hidden = hidden == null ? List.of(300, 300, 128) : List.copyOf(hidden);
    heads = heads == null ? 32 : heads;
    headDim = headDim == null ? 64 : headDim;
    dropout = dropout == null ? 0.3 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    Checks.common(fields, embeddingDim, hidden, heads, headDim, dropout, initStd);
  }

  /** Width of the flattened item representation: {@code heads * headDim}. */
  public int representationDim() {
    return heads * headDim;
  }
}
