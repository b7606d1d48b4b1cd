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
   * The logged training rows that were shown but not engaged (real negatives: the
   * shown-but-not-clicked space), with their labels, positions, propensities and request ids; an
   * empty log when the split keeps no logged rows.
   */
  InteractionLog shownNegatives();

  /** The current model's item embeddings, refreshed on request (offline hard negatives). */
  ItemIndex index();
}
