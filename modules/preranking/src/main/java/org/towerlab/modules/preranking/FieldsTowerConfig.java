package org.towerlab.modules.preranking;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param fields the side's fields to use, by name ({@code id} is the entity id); null = every
 *     field of the side
 * @param embeddingDim width of each field's embedding; default 16 (RankFlow's COLD on Tmall)
 * @param initStd standard deviation of the embeddings' normal initialization; default 0.1
 */
public record FieldsTowerConfig(List<String> fields, Integer embeddingDim, Double initStd)
    implements ComponentConfig.Tower {

  public FieldsTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? 16 : embeddingDim;
    initStd = initStd == null ? 0.1 : initStd;
    if (embeddingDim <= 0) {
      throw new IllegalArgumentException("embedding-dim must be positive, got " + embeddingDim);
    }
    if (initStd <= 0) {
      throw new IllegalArgumentException("init-std must be positive, got " + initStd);
    }
    if (fields != null && fields.isEmpty()) {
      throw new IllegalArgumentException("fields is empty; leave it out to use every field of the side");
    }
  }
}
