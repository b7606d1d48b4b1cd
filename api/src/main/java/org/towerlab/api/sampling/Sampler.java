package org.towerlab.api.sampling;

/**
 * Chooses negatives for a training batch.
 *
 * <p>A sampler sees the batch (query and positive item ids) and a {@link SamplerContext}: the item
 * corpus with features, item frequency estimates, exposure logs, known positives and a refreshable
 * index of the current model's item embeddings. It returns {@link Negatives}: ids, their log
 * sampling probabilities (for logQ correction) and which candidates to mask (accidental hits).
 * Samplers that mine among in-batch candidates by score also implement {@link InBatchMiner}.
 */
public interface Sampler {
  Negatives sample(SampleRequest request, SamplerContext ctx);
}
