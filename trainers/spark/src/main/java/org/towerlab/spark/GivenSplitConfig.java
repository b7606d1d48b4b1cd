package org.towerlab.spark;

import org.towerlab.api.config.ComponentConfig;

/**
 * {@code protocol: {type: given}}: the split is in the data, one part per row.
 *
 * @param column the label holding each row's part: 0 train, 1 valid, 2 test; default {@code part}
 * @param label the label that makes a row positive; null (default): every row is positive
 * @param minLabel a row is positive when its {@code label} is at least this; default: above 0
 * @param excludeSeen whether evaluators remove seen items; default true
 */
public record GivenSplitConfig(String column, String label, Double minLabel, Boolean excludeSeen)
    implements ComponentConfig.Protocol {
  public GivenSplitConfig {
    column = column == null || column.isBlank() ? "part" : column;
    excludeSeen = excludeSeen == null ? Boolean.TRUE : excludeSeen;
  }
}
