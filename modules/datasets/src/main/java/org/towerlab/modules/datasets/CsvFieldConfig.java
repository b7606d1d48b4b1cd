package org.towerlab.modules.datasets;

/**
 * One feature field of a {@link CsvFeaturesConfig}.
 *
 * @param name field name (required; {@code id} is reserved)
 * @param kind {@code categorical}, {@code multi-categorical} or {@code dense}; default categorical
 * @param column column holding the value; default the field name
 * @param maxLength bag length kept for multi-categorical fields; default the longest bag seen
 * @param separator separator inside a bag or vector; default {@code |}
 * @param dim vector width of dense fields; default the width of the first value seen
 */
public record CsvFieldConfig(String name, String kind, String column, Integer maxLength, String separator,
    Integer dim) {

  public CsvFieldConfig {
    if (name == null || name.isBlank() || name.equals("id")) {
      throw new IllegalArgumentException("a feature field needs a 'name' other than 'id', got " + name);
    }
    kind = kind == null ? "categorical" : kind;
    if (!kind.equals("categorical") && !kind.equals("multi-categorical") && !kind.equals("dense")) {
      throw new IllegalArgumentException("field '" + name + "': kind must be categorical, multi-categorical or"
          + " dense, got '" + kind + "'");
    }
    column = column == null ? name : column;
    if (maxLength != null && maxLength <= 0) {
      throw new IllegalArgumentException("field '" + name + "': max-length must be positive, got " + maxLength);
    }
    separator = separator == null || separator.isEmpty() ? "|" : separator;
    if (dim != null && dim <= 0) {
      throw new IllegalArgumentException("field '" + name + "': dim must be positive, got " + dim);
    }
  }
}
