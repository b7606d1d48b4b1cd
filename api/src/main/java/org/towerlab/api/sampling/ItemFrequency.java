package org.towerlab.api.sampling;

/** How often each item occurs among training positives. */
public interface ItemFrequency {

  long count(int item);

  long total();

  /** {@code count(item) / total()}, floored at {@code 1 / (total + numItems)} so that logs stay finite. */
  double probability(int item);
}
