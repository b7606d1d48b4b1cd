package org.towerlab.modules.hit;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Hyperparameters of {@link HitTower}. Defaults follow the official code
 * ({@code HarveyYang123/HIT_model} @ 6a5dd67): tower MLP (300, 300, 32), H = 2 heads of d = 16,
 * generator (32, 32) with a final ReLU, dropout 0.3, generation weight 0.1.
 *
 * @param fields the side's fields the tower reads, by name ({@code id} is the entity id); null = every
 *     field of the side
 * @param generatorFields the static fields the two generators read (a subset of {@code fields}); null =
 *     every tower field that is not a sequence (the paper feeds generators static features only)
 * @param embeddingDim width of each field's embedding
 * @param hidden hidden widths of the tower MLP over {@code [x || sg(rm_T) || sg(rm_N)]}
 * @param outputDim width of the tower MLP's output h (followed by a ReLU, as in the official code)
 * @param heads number of representation heads H
 * @param headDim width d of each head; the flattened representation has {@code heads * headDim}
 * @param generatorHidden hidden widths of each generator; its output width is {@code heads * headDim}
 * @param generatorOutputRelu whether the generators end with a ReLU (official code: yes, so rm >= 0)
 * @param dropout dropout after every hidden layer of the tower MLP and of the generators
 * @param initStd standard deviation of the embeddings' normal initialization
 * @param generationWeight alpha, the weight of this side's generation loss
 * @param generationLoss {@code one-minus-cos} (the paper: generators mimic, {@code y (1 - cos)}) or
 *     {@code official-cos} (the official code since commit 90a9d7f: {@code y cos}, which pushes the
 *     generators to be anti-aligned)
 * @param inBatchNegatives whether the non-target generator also learns from in-batch negative pairs
 *     (query i with the positive item of row i + 1), needed when every logged row is a positive
 */
public record HitTowerConfig(List<String> fields, List<String> generatorFields, Integer embeddingDim,
    List<Integer> hidden, Integer outputDim, Integer heads, Integer headDim, List<Integer> generatorHidden,
    Boolean generatorOutputRelu, Double dropout, Double initStd, Double generationWeight, String generationLoss,
    Boolean inBatchNegatives) implements ComponentConfig.Tower {

  /** The two generation-loss forms. */
  public static final List<String> GENERATION_LOSSES = List.of("one-minus-cos", "official-cos");

  public HitTowerConfig {
    fields = fields == null ? null : List.copyOf(fields);
    generatorFields = generatorFields == null ? null : List.copyOf(generatorFields);
    embeddingDim = embeddingDim == null ? 32 : embeddingDim;
    hidden = hidden == null ? List.of(300, 300) : List.copyOf(hidden);
    outputDim = outputDim == null ? 32 : outputDim;
    heads = heads == null ? 2 : heads;
    headDim = headDim == null ? 16 : headDim;
    generatorHidden = generatorHidden == null ? List.of(32) : List.copyOf(generatorHidden);
    generatorOutputRelu = generatorOutputRelu == null ? Boolean.TRUE : generatorOutputRelu;
    dropout = dropout == null ? 0.3 : dropout;
    initStd = initStd == null ? 0.1 : initStd;
    generationWeight = generationWeight == null ? 0.1 : generationWeight;
    generationLoss = generationLoss == null ? "one-minus-cos" : generationLoss;
    inBatchNegatives = inBatchNegatives == null ? Boolean.TRUE : inBatchNegatives;
    if (fields != null && fields.isEmpty()) {
      throw new IllegalArgumentException("fields is empty; leave it out to use every field of the side");
    }
    if (generatorFields != null && generatorFields.isEmpty()) {
      throw new IllegalArgumentException(
          "generator-fields is empty; leave it out to use every non-sequence field of the tower");
    }
    positive("embedding-dim", embeddingDim);
    positive("output-dim", outputDim);
    positive("heads", heads);
    positive("head-dim", headDim);
    for (int h : hidden) {
      positive("hidden widths", h);
    }
    for (int h : generatorHidden) {
      positive("generator-hidden widths", h);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (initStd <= 0) {
      throw new IllegalArgumentException("init-std must be positive, got " + initStd);
    }
    if (generationWeight < 0 || !Double.isFinite(generationWeight)) {
      throw new IllegalArgumentException("generation-weight must be finite and >= 0, got " + generationWeight);
    }
    if (!GENERATION_LOSSES.contains(generationLoss)) {
      throw new IllegalArgumentException(
          "generation-loss must be one of " + GENERATION_LOSSES + ", got '" + generationLoss + "'");
    }
  }

  /** Width of the flattened representation and of each generator's output: {@code heads * headDim}. */
  public int representationDim() {
    return heads * headDim;
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
