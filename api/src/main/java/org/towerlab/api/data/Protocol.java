package org.towerlab.api.data;

import org.towerlab.api.random.Seeds;

/**
 * A named evaluation protocol: filters (k-core, minimum rating), label binarization, and the split
 * into train, valid and test. Anything derived from labels must be computed on train only.
 */
public interface Protocol {
  /** The name recorded with every run ({@code per-user-ratio}, {@code leave-last-out}, ...). */
  String name();

  /** Splits {@code data}; randomness comes from {@code seeds.stream("data.split")}. */
  Split split(Dataset data, Seeds seeds);
}
