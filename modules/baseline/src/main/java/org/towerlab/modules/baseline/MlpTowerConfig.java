package org.towerlab.modules.baseline;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param fields the side's fields to use, by name ({@code id} is the entity id); null = every
 *     field of the side
 * @param embeddingDim width of each field's embedding (and of each dense field's projection)
 * @param hidden hidden layer widths of the MLP over the concatenated field embeddings (empty: one
 *     linear layer, or none at all for a single field whose embedding width equals the output)
 * @param outputDim width of the tower's output vector
 * @param dropout dropout rate after each hidden layer while training
 * @param initStd standard deviation of the embeddings' normal initialization
 */
public record MlpTowerConfig(List<String> fields, Integer embeddingDim, List<Integer> hidden,
    Integer outputDim, Double dropout, Double initStd) implements ComponentConfig.Tower {

  public MlpTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    hidden = hidden == null ? List.of() : List.copyOf(hidden);
    outputDim = outputDim == null ? 64 : outputDim;
    dropout = dropout == null ? 0.0 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
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
    if (fields != null && fields.isEmpty()) {
      throw new IllegalArgumentException("fields is empty; leave it out to use every field of the side");
    }
  }
}
