package org.towerlab.modules.longretriever;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param sequence the query-side sequence field read per context: a by-category sequence (the
 *     method) or a flat one (the recent-L baseline with the same tower); default: the side's only
 *     by-category sequence, else its only sequence
 * @param fields other query fields (the profile {@code P_u}: segment, age, ...) encoded once and
 *     joined to every context; default none
 * @param embeddingDim width of the item, category and profile-field embeddings; default 32
 * @param hidden hidden widths of the MLP over {@code [pooled sequence; category; profile]}; default
 *     {@code [64]}
 * @param outputDim width D of each context vector; default 32
 * @param categoryEmbedding whether the context's category embedding joins the MLP input (by-category
 *     sequences only); default true
 * @param dropout dropout after each hidden layer while training; default 0
 * @param initStd standard deviation of the embeddings' normal initialization; default 0.1
 */
public record LongRetrieverTowerConfig(String sequence, List<String> fields, Integer embeddingDim,
    List<Integer> hidden, Integer outputDim, Boolean categoryEmbedding, Double dropout, Double initStd)
    implements ComponentConfig.Tower {

  public LongRetrieverTowerConfig {
    fields = fields == null ? List.of() : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    hidden = hidden == null ? List.of(64) : List.copyOf(hidden);
    outputDim = outputDim == null ? 32 : outputDim;
    categoryEmbedding = categoryEmbedding == null ? Boolean.TRUE : categoryEmbedding;
    dropout = dropout == null ? 0.0 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    if (sequence != null && sequence.isBlank()) {
      throw new IllegalArgumentException("sequence must name a query sequence field, got '" + sequence + "'");
    }
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
  }
}
