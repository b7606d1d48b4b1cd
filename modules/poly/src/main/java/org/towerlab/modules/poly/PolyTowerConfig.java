package org.towerlab.modules.poly;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link PolyTower}. Defaults: m = 16 codes (the smallest of the paper's
 * {16, 64, 360}; ParlAI's default is 64, for text contexts of up to 360 tokens, while a user's
 * context here is a few fields plus a history of at most {@code history-length} items), basic
 * (unscaled) code attention and codes drawn from U(0, 1) as in ParlAI's {@code polyencoder.py}.
 *
 * @param fields the side's fields that become context tokens, by name ({@code id} is the entity
 *     id); null = every field of the side. A categorical or dense field is one token; a
 *     multi-categorical or sequence field is one token per element, its padding masked
 * @param codes m, the number of learned codes (and of context vectors in {@code heads})
 * @param embeddingDim width of each token's embedding (and of each dense field's projection)
 * @param tokenHidden hidden widths of the position-wise MLP from a token embedding to a token
 *     output of width {@code output-dim} (empty: one linear layer; none at all when
 *     {@code embedding-dim == output-dim})
 * @param outputDim D, the width of the token outputs, the codes and the context vectors; the item
 *     tower's output must have this width
 * @param positions whether sequence tokens get a learned recency embedding (position 0 = the most
 *     recent element), the analogue of the context transformer's position embeddings
 * @param codeAttention {@code basic} (ParlAI's default: {@code softmax(c H^T)}) or {@code sqrt}
 *     ({@code softmax(c H^T / sqrt(D))})
 * @param dropout dropout after each hidden layer of the token MLP while training
 * @param initStd standard deviation of the token and position embeddings' normal initialization
 */
public record PolyTowerConfig(List<String> fields, Integer codes, Integer embeddingDim, List<Integer> tokenHidden,
    Integer outputDim, Boolean positions, String codeAttention, Double dropout, Double initStd)
    implements ComponentConfig.Tower {

  /** The attention forms ParlAI offers besides multi-head ({@code basic}, {@code sqrt}). */
  public static final List<String> ATTENTIONS = List.of("basic", "sqrt");

  public PolyTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    codes = codes == null ? 16 : codes;
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    tokenHidden = tokenHidden == null ? List.of() : List.copyOf(tokenHidden);
    outputDim = outputDim == null ? 64 : outputDim;
    positions = positions == null ? Boolean.TRUE : positions;
    codeAttention = codeAttention == null ? "basic" : codeAttention;
    dropout = dropout == null ? 0.0 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    if (fields != null && fields.isEmpty()) {
      throw new IllegalArgumentException("fields is empty; leave it out to use every field of the side");
    }
    if (codes <= 0) {
      throw new IllegalArgumentException("codes must be positive, got " + codes);
    }
    if (embeddingDim <= 0) {
      throw new IllegalArgumentException("embedding-dim must be positive, got " + embeddingDim);
    }
    if (outputDim <= 0) {
      throw new IllegalArgumentException("output-dim must be positive, got " + outputDim);
    }
    for (int h : tokenHidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("token-hidden widths must be positive, got " + tokenHidden);
      }
    }
    if (!ATTENTIONS.contains(codeAttention)) {
      throw new IllegalArgumentException("code-attention must be one of " + ATTENTIONS + ", got '" + codeAttention
          + "'");
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (initStd <= 0) {
      throw new IllegalArgumentException("init-std must be positive, got " + initStd);
    }
  }
}
