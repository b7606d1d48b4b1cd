package org.towerlab.api.sampling;

import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;

/**
 * What a sampler may look at besides the batch. Everything derived from labels comes from the
 * training part of the split.
 */
public interface SamplerContext {

  Split split();

  /** Size of the item corpus; ids are {@code 0 .. numItems-1}. */
  int numItems();

  /** Training-set frequency of each item (for popularity samplers and logQ correction). */
  ItemFrequency frequency();

  /** Whether {@code item} is a known training positive of {@code query} (never a negative). */
  boolean isKnownPositive(long query, long item);

  /**
   * Rows of the training log that were exposed but not interacted with (real negatives), or an
   * empty log when the data has no exposure flags.
   */
  InteractionLog unexposedNegatives();

  /** The current model's item embeddings, refreshed on request (offline hard negatives). */
  ItemIndex index();
}
