package org.towerlab.modules.gnolr;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link GnolrTower}. Defaults follow the official code
 * ({@code FuCongResearchSquad/GNOLR}, {@code model/Tower.py} and the multi-task scripts): field
 * embeddings of width 16 shared by the heads, one MLP {@code (128, 64, 32)} per head, L2-normalized
 * head outputs; three levels (the simulator's click &lt; like &lt; share).
 *
 * @param levels K, the number of heads (one per ordered feedback level)
 * @param headDim d, the width of each head's output; the unified vector has width {@code K * d}
 * @param hidden hidden widths of each head's MLP (Linear + ReLU), before its last Linear to d
 * @param fields the side's fields the heads read, by name; null = every field of the side. Not with
 *     {@code base} (the base tower reads its own fields)
 * @param embeddingDim width of each field's embedding; not with {@code base}
 * @param dropout dropout after each hidden layer of the heads while training
 * @param initStd standard deviation of the field embeddings' normal initialization
 * @param base any other tower whose output vector {@code [N, D]} the heads read instead of the
 *     field embeddings (a {@code dat}, {@code hit} or {@code mlp} tower): GNOLR's heads as a wrapper
 *     around it. The base keeps its own auxiliary losses and couplings; default none
 */
public record GnolrTowerConfig(Integer levels, Integer headDim, List<Integer> hidden, List<String> fields,
    Integer embeddingDim, Double dropout, Double initStd, ComponentConfig.Tower base)
    implements ComponentConfig.Tower {

  public GnolrTowerConfig {
    levels = levels == null ? 3 : levels;
    headDim = headDim == null ? 32 : headDim;
    hidden = hidden == null ? List.of(128, 64) : List.copyOf(hidden);
    if (base != null && (fields != null || embeddingDim != null)) {
      throw new IllegalArgumentException("fields and embedding-dim belong to the base tower when base is set; got fields "
          + fields + ", embedding-dim " + embeddingDim + ". Move them into base.");
    }
    fields = fields == null ? null : List.copyOf(fields);
    embeddingDim = embeddingDim == null ? (base == null ? 16 : null) : embeddingDim;
    dropout = dropout == null ? 0.0 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    if (levels < 1) {
      throw new IllegalArgumentException("levels must be at least 1, got " + levels);
    }
    if (headDim <= 0) {
      throw new IllegalArgumentException("head-dim must be positive, got " + headDim);
    }
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("hidden widths must be positive, got " + hidden);
      }
    }
    if (embeddingDim != null && embeddingDim <= 0) {
      throw new IllegalArgumentException("embedding-dim must be positive, got " + embeddingDim);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(initStd > 0)) {
      throw new IllegalArgumentException("init-std must be positive, got " + initStd);
    }
  }
}
