package org.towerlab.modules.tarq;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link TargetAttentionModel}, TARQ's teacher architecture as a model of its own (a
 * ranker whose item side is not precomputable). The same keys shape TARQ's student and teacher in
 * {@link TarqModelConfig}.
 *
 * @param sequenceField the query-side {@code SEQUENCE} field holding the behaviour sequence;
 *     default {@code history} (declared by {@code data.history-length} on MovieLens and the
 *     simulator)
 * @param userFields query fields of the backbone user vector; null = every non-sequence query field
 * @param itemFields item fields of the item query {@code q = phi(x_item)}; null = every item field
 * @param dim width d of the item query, the sequence vectors, the attention and its output; default 32
 * @param embeddingDim width of each field's embedding; default 32
 * @param hidden hidden widths of the MLPs phi (item) and of the backbone (user); default [128]
 * @param heads attention heads (they split d); default 2
 * @param selfAttention one self-attention layer over the sequence before the target attention;
 *     default true
 * @param backbone add the two-tower term {@code <v_u, q>} to the score; default true
 * @param initStd standard deviation of the embeddings' normal initialization; default 0.1
 * @param chunk at most this many attention weights per block when scoring many pairs (memory
 *     bound); default 4194304
 */
public record TargetAttentionModelConfig(String sequenceField, List<String> userFields, List<String> itemFields,
    Integer dim, Integer embeddingDim, List<Integer> hidden, Integer heads, Boolean selfAttention, Boolean backbone,
    Double initStd, Integer chunk) implements ComponentConfig.Model {

  public TargetAttentionModelConfig {
    sequenceField = sequenceField == null ? "history" : sequenceField;
    userFields = userFields == null ? null : List.copyOf(userFields);
    itemFields = itemFields == null ? null : List.copyOf(itemFields);
    dim = dim == null ? 32 : dim;
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    hidden = hidden == null ? List.of(128) : List.copyOf(hidden);
    heads = heads == null ? 2 : heads;
    selfAttention = selfAttention == null ? Boolean.TRUE : selfAttention;
    backbone = backbone == null ? Boolean.TRUE : backbone;
    initStd = initStd == null ? 0.1 : initStd;
    chunk = chunk == null ? 1 << 22 : chunk;
    Architecture.check(sequenceField, userFields, itemFields, dim, embeddingDim, hidden, heads, initStd, chunk);
  }

  Architecture architecture() {
    return new Architecture(sequenceField, userFields, itemFields, dim, embeddingDim, hidden, heads, selfAttention,
        backbone, initStd, chunk);
  }
}
