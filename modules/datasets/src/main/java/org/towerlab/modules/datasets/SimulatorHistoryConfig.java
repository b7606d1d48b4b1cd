package org.towerlab.modules.datasets;

import org.towerlab.api.data.FieldSpec;

/**
 * The simulator's behaviour-sequence fields ({@code history:} in the {@code simulator} section).
 * With it, the query side gets two sequence fields built from the training clicks (see
 * {@link org.towerlab.api.data.FieldKind#SEQUENCE}):
 * <ul>
 *   <li>{@code history}: the most recent {@code flat-length} clicked items, any category;
 *   <li>{@code category-history}: by item category ({@link FieldSpec.ByCategory}): per context the
 *       most recent {@code length} clicked items of one category; in training the context is the
 *       target item's category, at evaluation the user's {@code contexts} categories chosen by
 *       {@code select}.
 * </ul>
 *
 * @param length L, items kept per category context; default 50
 * @param flatLength items kept in the flat {@code history}; default {@code length} (the same
 *     budget per user vector)
 * @param contexts K, categories chosen per user at evaluation; default 4
 * @param select {@code frequency} (most clicks first, default) or {@code recency} (latest click first)
 */
public record SimulatorHistoryConfig(Integer length, Integer flatLength, Integer contexts, String select) {

  public SimulatorHistoryConfig {
    length = length == null ? 50 : length;
    flatLength = flatLength == null ? length : flatLength;
    contexts = contexts == null ? 4 : contexts;
    select = select == null ? "frequency" : select;
    if (length <= 0) {
      throw new IllegalArgumentException("history.length must be positive, got " + length);
    }
    if (flatLength <= 0) {
      throw new IllegalArgumentException("history.flat-length must be positive, got " + flatLength);
    }
    if (contexts <= 0) {
      throw new IllegalArgumentException("history.contexts must be positive, got " + contexts);
    }
    FieldSpec.ByCategory.Select.parse(select);
  }

  /** The by-category option of {@code category-history}. */
  public FieldSpec.ByCategory byCategory() {
    return new FieldSpec.ByCategory(contexts, FieldSpec.ByCategory.Select.parse(select));
  }
}
